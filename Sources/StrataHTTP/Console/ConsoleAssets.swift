//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// The console's style sheet and script, compiled into the binary: no files to ship, nothing fetched from
/// elsewhere.
enum ConsoleAssets {
    static let styleSheet = """
        :root { color-scheme: light dark; --line: #8884; --accent: #2a6fdb; }
        body { font: 14px/1.45 system-ui, sans-serif; margin: 0; }
        header { display: flex; gap: 1.5em; align-items: center; padding: .6em 1.2em; border-bottom: 1px solid var(--line); }
        header .brand { font-weight: 600; text-decoration: none; }
        header nav { display: flex; gap: 1em; flex: 1; }
        main { padding: 1em 1.2em; max-width: 1200px; }
        a { color: var(--accent); }
        table { border-collapse: collapse; width: 100%; margin: .5em 0 1.5em; }
        th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1.2em; }
        dl.facts dt { font-weight: 600; }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        pre.json { background: #8881; padding: .8em; overflow: auto; max-height: 60vh; }
        .problem { color: #c33; }
        .notice { color: #2a8a3a; }
        .tag { font-size: 85%; border: 1px solid var(--line); padding: 0 .3em; }
        .state-failed { color: #c33; font-weight: 600; }
        .state-running, .state-live { color: #2a8a3a; }
        form.filter, .actions form { display: inline-flex; gap: .5em; margin: 0 1.5em .8em 0; align-items: center; }
        ul.tree, ul.tree ul { list-style: none; padding-left: 1.2em; border-left: 1px solid var(--line); }
        ul.tree li { margin: .25em 0; }
        ul.tree time, ul.tree .cause { color: #888; font-size: 90%; }
        """

    /// Asks before a form marked `data-confirm` is sent.
    static let script = """
        document.addEventListener("submit", function (event) {
          var question = event.target.getAttribute("data-confirm");
          if (question && !window.confirm(question)) { event.preventDefault(); }
        });
        """
}
