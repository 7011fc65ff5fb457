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
        .state-running, .state-live, .health-ready { color: #2a8a3a; }
        .health-unavailable { color: #c33; font-weight: 600; }
        form.filter, .actions form { display: inline-flex; gap: .5em; margin: 0 1.5em .8em 0; align-items: center; }
        ul.tree, ul.tree ul { list-style: none; padding-left: 1.2em; border-left: 1px solid var(--line); }
        ul.tree li { margin: .25em 0; }
        ul.tree time, ul.tree .cause { color: #888; font-size: 90%; }
        svg#rate-chart { display: block; max-width: 100%; border-bottom: 1px solid var(--line); }
        svg#rate-chart rect { fill: var(--accent); }
        """

    /// Asks before a form marked `data-confirm` is sent; fills the live tail and the overview's chart from the
    /// console's event stream. Every value goes in as text (`textContent`), never as markup: event data is untrusted.
    static let script = """
        (function () {
          "use strict";
          document.addEventListener("submit", function (event) {
            var question = event.target.getAttribute("data-confirm");
            if (question && !window.confirm(question)) { event.preventDefault(); }
          });

          function follow(url, onEvent, onEnd) {
            var source = new EventSource(url);
            source.onmessage = function (message) { onEvent(JSON.parse(message.data)); };
            source.addEventListener("token-expired", function () { source.close(); onEnd("The token expired: sign in again."); });
            source.addEventListener("error", function () {
              if (source.readyState === EventSource.CLOSED) { onEnd("The event stream ended: reload the page."); }
            });
            return source;
          }

          function link(href, text) {
            var anchor = document.createElement("a");
            anchor.href = href;
            anchor.textContent = text;
            return anchor;
          }

          function cell(row, content) {
            var td = document.createElement("td");
            if (typeof content === "string") { td.textContent = content; } else { td.appendChild(content); }
            row.appendChild(td);
          }

          var tail = document.getElementById("tail");
          if (tail) {
            var body = tail.querySelector("tbody");
            var status = document.getElementById("tail-status");
            follow(tail.getAttribute("data-live"), function (event) {
              var row = document.createElement("tr");
              cell(row, link("/console/events/" + event.position, String(event.position)));
              cell(row, link("/console/streams/" + encodeURIComponent(event.stream), event.stream));
              cell(row, String(event.version));
              cell(row, event.type);
              cell(row, event.recordedAt);
              body.insertBefore(row, body.firstChild);
              while (body.rows.length > 500) { body.deleteRow(body.rows.length - 1); }
            }, function (text) { status.textContent = text; });
          }

          // Parts of a page marked data-refresh (a projection's status, lag and parked events) are fetched again every
          // few seconds and swapped for the service's fresh rendering of them, escaped as every page is. The
          // attribute names the page to fetch them from, when a smaller one than this page holds them (the
          // overview's projections are the projections page's).
          if (document.querySelector("[data-refresh]")) {
            window.setInterval(function () {
              var sources = {};
              document.querySelectorAll("[data-refresh]").forEach(function (old) {
                var source = old.getAttribute("data-refresh") || window.location.href;
                (sources[source] = sources[source] || []).push(old.id);
              });
              Object.keys(sources).forEach(function (source) {
                fetch(source, { credentials: "same-origin" })
                  .then(function (response) { return response.ok ? response.text() : null; })
                  .then(function (html) {
                    if (!html) { return; }
                    var fresh = new DOMParser().parseFromString(html, "text/html");
                    sources[source].forEach(function (id) {
                      var old = document.getElementById(id), replacement = fresh.getElementById(id);
                      if (old && replacement) { old.replaceWith(document.importNode(replacement, true)); }
                    });
                  })
                  .catch(function () {});
              });
            }, 3000);
          }

          var chart = document.getElementById("rate-chart");
          if (chart) {
            // The server counted the seconds before the page; the last of its counts is this second.
            var seconds = 180, now = Math.floor(Date.now() / 1000);
            var counts = (chart.getAttribute("data-counts") || "").split(",").map(function (text) {
              var count = parseInt(text, 10);
              return isNaN(count) ? 0 : count;
            }).slice(-seconds);
            while (counts.length < seconds) { counts.unshift(0); }
            var complete = chart.getAttribute("data-complete") !== "false", openedAt = now;
            var label = document.getElementById("rate-total");
            var draw = function () {
              var second = Math.floor(Date.now() / 1000);
              while (now < second) { counts.shift(); counts.push(0); now++; }
              if (now - openedAt >= seconds) { complete = true; }
              var highest = Math.max.apply(null, counts.concat([1]));
              while (chart.firstChild) { chart.removeChild(chart.firstChild); }
              var width = 720 / seconds;
              counts.forEach(function (count, index) {
                var height = Math.round(110 * count / highest);
                var bar = document.createElementNS("http://www.w3.org/2000/svg", "rect");
                bar.setAttribute("x", String(index * width));
                bar.setAttribute("y", String(120 - height));
                bar.setAttribute("width", String(Math.max(width - 1, 1)));
                bar.setAttribute("height", String(height));
                chart.appendChild(bar);
              });
              var total = counts.reduce(function (sum, count) { return sum + count; }, 0);
              label.textContent = (complete ? "" : "At least ") + total + (total === 1 ? " event" : " events")
                + " in the last three minutes; at most " + highest + " in one second"
                + (complete ? "" : " (only the most recent events before this page opened were counted)");
            };
            follow(chart.getAttribute("data-live"), function () {
              draw();
              counts[counts.length - 1] += 1;
            }, function (text) { label.textContent = text; });
            draw();
            window.setInterval(draw, 1000);
          }
        })();
        """
}
