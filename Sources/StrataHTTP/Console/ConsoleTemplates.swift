//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Mustache

/// The console's pages, as Mustache templates compiled into the binary, so that the console needs no files beside
/// it and works offline. `{{name}}` escapes for HTML; nothing here uses the unescaped `{{{name}}}`, since every value
/// shown may come from event data, which is untrusted input.
enum ConsoleTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in all {
            // The templates are constants of this file; one that does not parse fails the console's tests.
            guard let template = try? MustacheTemplate(string: text) else { continue }
            library.register(template, named: name)
        }
        return library
    }()

    static let all: [(String, String)] = [
        ("layout", layout), ("message", message), ("signIn", signIn), ("overview", overview), ("streams", streams),
        ("stream", stream), ("event", event), ("correlation", correlation), ("node", node), ("projections", projections),
        ("projection", projection), ("projectionTable", projectionTable), ("eventTable", eventTable), ("tail", tail),
        ("categories", categories), ("categoryTable", categoryTable),
    ]

    static let layout = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{$title}}Console{{/title}} · Strata</title>
        <link rel="stylesheet" href="/console/console.css">
        <script src="/console/console.js" defer></script>
        </head>
        <body>
        <header>
        <a class="brand" href="/console">Strata console</a>
        <nav>
        <a href="/console">Overview</a>
        <a href="/console/streams">Streams</a>
        <a href="/console/projections">Projections</a>
        <a href="/console/tail">Live tail</a>
        </nav>
        {{#session.signedIn}}<form method="post" action="/console/sign-out"><button type="submit">Sign out</button></form>{{/session.signedIn}}
        </header>
        <main>
        {{$content}}{{/content}}
        </main>
        </body>
        </html>
        """

    static let message = """
        {{<layout}}{{$title}}{{heading}}{{/title}}{{$content}}
        <h1>{{heading}}</h1>
        <p class="problem">{{detail}}</p>
        {{#signInLink}}<p><a href="/console/sign-in">Sign in with a token</a></p>{{/signInLink}}
        {{/content}}{{/layout}}
        """

    static let signIn = """
        {{<layout}}{{$title}}Sign in{{/title}}{{$content}}
        <h1>Sign in</h1>
        {{#tokensRequired}}
        <p>This service asks for a bearer token. The console keeps it for this browser session only, and shows what its
        scopes allow.</p>
        {{#problem}}<p class="problem">{{problem}}</p>{{/problem}}
        <form method="post" action="/console/sign-in">
        <label>Token <input type="password" name="token" autocomplete="off" required></label>
        <button type="submit">Sign in</button>
        </form>
        {{/tokensRequired}}
        {{^tokensRequired}}<p>This service asks for no token: <a href="/console">open the console</a>.</p>{{/tokensRequired}}
        {{/content}}{{/layout}}
        """

    static let overview = """
        {{<layout}}{{$title}}Overview{{/title}}{{$content}}
        <h1>Overview</h1>
        <dl class="facts">
        <dt>Health</dt><dd id="health" class="health-{{health}}">{{health}}</dd>
        <dt>Event store</dt><dd>{{eventStore}}</dd>
        <dt>Read store</dt><dd>{{readStore}}</dd>
        <dt>Head</dt><dd id="head">{{head}}</dd>
        <dt>Last event</dt><dd>{{lastRecordedAt}}</dd>
        </dl>
        <section class="rate">
        <h2>Events per second</h2>
        <svg id="rate-chart" data-live="{{live}}" data-counts="{{activity}}" data-complete="{{activityComplete}}" width="720"
        height="120" viewBox="0 0 720 120" role="img" aria-label="Events per second over the last three minutes"></svg>
        <p id="rate-total">Events per second over the last three minutes.</p>
        </section>
        <h2>Projections</h2>
        {{> projectionTable}}
        <h2>Categories</h2>
        {{> categoryTable}}
        {{#moreCategories}}<p><a class="next" href="{{moreCategories}}">Every category</a></p>{{/moreCategories}}
        <h2>Latest events</h2>
        {{> eventTable}}
        {{/content}}{{/layout}}
        """

    static let projectionTable = """
        <table class="projections" id="projections" data-refresh="/console/projections">
        <thead><tr><th>Projection</th><th>State</th><th>Checkpoint</th><th>Lag</th><th>Parked</th><th>Generation</th><th>Node</th></tr></thead>
        <tbody>
        {{#projections}}
        <tr><td><a href="{{link}}">{{name}}</a></td><td class="state-{{state}}">{{state}}</td><td>{{checkpoint}}</td>
        <td>{{lagEvents}} events</td><td>{{parkedCount}}</td><td>{{generation}}</td><td>{{node}}</td></tr>
        {{/projections}}
        {{^projections}}<tr><td colspan="7">No projections run here.</td></tr>{{/projections}}
        </tbody>
        </table>
        """

    static let eventTable = """
        <table class="events">
        <thead><tr><th>Position</th><th>Stream</th><th>Version</th><th>Type</th><th>Recorded</th></tr></thead>
        <tbody>
        {{#events}}
        <tr><td><a href="{{link}}">{{position}}</a></td><td><a href="{{streamLink}}">{{stream}}</a></td><td>{{version}}</td>
        <td>{{type}}</td><td>{{recordedAt}}</td></tr>
        {{/events}}
        {{^events}}<tr><td colspan="5">No events.</td></tr>{{/events}}
        </tbody>
        </table>
        """

    static let categoryTable = """
        <table class="categories" id="categories">
        <thead><tr><th>Category</th><th>Last event</th><th>Last recorded</th></tr></thead>
        <tbody>
        {{#categories}}
        <tr><td><a href="{{link}}">{{name}}</a></td><td><a href="{{lastLink}}">{{lastPosition}}</a></td><td>{{lastRecordedAt}}</td></tr>
        {{/categories}}
        {{^categories}}<tr><td colspan="3">No events yet.</td></tr>{{/categories}}
        </tbody>
        </table>
        """

    static let categories = """
        {{<layout}}{{$title}}Categories{{/title}}{{$content}}
        <h1>Categories</h1>
        <p>A stream's category is its id up to the first dash: every order's stream is in <code>order</code>.</p>
        {{> categoryTable}}
        {{#next}}<p><a class="next" href="{{next}}">Next categories</a></p>{{/next}}
        {{/content}}{{/layout}}
        """

    static let streams = """
        {{<layout}}{{$title}}Streams{{/title}}{{$content}}
        <h1>Streams</h1>
        <form method="get" action="/console/streams" class="filter">
        <label>Category <input type="text" name="category" value="{{category}}"></label>
        <label>Id starts with <input type="text" name="prefix" value="{{prefix}}"></label>
        <button type="submit">Show</button>
        </form>
        <form method="get" action="/console/stream" class="filter">
        <label>Stream id <input type="text" name="id" required></label>
        <button type="submit">Open</button>
        </form>
        <table class="streams">
        <thead><tr><th>Stream</th><th>Version</th><th>Events</th><th>Last position</th><th>Last recorded</th></tr></thead>
        <tbody>
        {{#streams}}
        <tr><td><a href="{{link}}">{{stream}}</a>{{#deleted}} <span class="tag">deleted</span>{{/deleted}}</td><td>{{version}}</td>
        <td>{{eventCount}}</td><td>{{lastPosition}}</td><td>{{lastRecordedAt}}</td></tr>
        {{/streams}}
        {{^streams}}<tr><td colspan="5">No streams.</td></tr>{{/streams}}
        </tbody>
        </table>
        {{#next}}<p><a class="next" href="{{next}}">Next streams</a></p>{{/next}}
        {{/content}}{{/layout}}
        """

    static let stream = """
        {{<layout}}{{$title}}{{stream}}{{/title}}{{$content}}
        <h1>Stream {{stream}}</h1>
        {{> eventTable}}
        {{#next}}<p><a class="next" href="{{next}}">Next events</a></p>{{/next}}
        {{/content}}{{/layout}}
        """

    static let event = """
        {{<layout}}{{$title}}Event {{position}}{{/title}}{{$content}}
        <h1>Event {{position}}</h1>
        <dl class="facts">
        <dt>Type</dt><dd>{{type}}</dd>
        <dt>Stream</dt><dd><a href="{{streamLink}}">{{stream}}</a>, version {{version}}</dd>
        <dt>Position</dt><dd>{{position}}</dd>
        <dt>Recorded</dt><dd>{{recordedAt}}</dd>
        <dt>Event id</dt><dd>{{id}}</dd>
        <dt>Schema version</dt><dd>{{schemaVersion}}</dd>
        {{#correlationID}}<dt>Correlation</dt><dd><a href="{{correlationLink}}">{{correlationID}}</a></dd>{{/correlationID}}
        {{#causationID}}<dt>Caused by</dt><dd id="cause">{{#cause}}<a href="{{link}}">event {{position}}</a>, {{type}} on
        <a href="{{streamLink}}">{{stream}}</a> ({{causationID}}){{/cause}}{{^cause}}{{causationID}}, a command (no event in
        this log has this id){{/cause}}</dd>{{/causationID}}
        </dl>
        <h2>Data</h2>
        <pre class="json">{{data}}</pre>
        {{#metadata}}<h2>Metadata</h2>
        <pre class="json">{{metadata}}</pre>{{/metadata}}
        {{/content}}{{/layout}}
        """

    static let correlation = """
        {{<layout}}{{$title}}Correlation {{correlationID}}{{/title}}{{$content}}
        <h1>Correlation {{correlationID}}</h1>
        <p>Every event recorded with this correlation id, each under the event or command that caused it.</p>
        <ul class="tree">
        {{#roots}}{{> node}}{{/roots}}
        {{^roots}}<li>No event carries this correlation id.</li>{{/roots}}
        </ul>
        {{#truncated}}<p class="problem">Only the first {{shown}} events are shown.</p>{{/truncated}}
        {{/content}}{{/layout}}
        """

    static let node = """
        <li><a href="{{link}}">{{position}}</a> <span class="type">{{type}}</span> on <a href="{{streamLink}}">{{stream}}</a>
        <time>{{recordedAt}}</time>{{#showsCause}} <span class="cause">caused by {{causedBy}}</span>{{/showsCause}}
        {{#hasChildren}}<ul>{{#children}}{{> node}}{{/children}}</ul>{{/hasChildren}}</li>
        """

    static let tail = """
        {{<layout}}{{$title}}Live tail{{/title}}{{$content}}
        <h1>Live tail</h1>
        <form method="get" action="/console/tail" class="filter">
        <label>Category <input type="text" name="category" value="{{category}}"></label>
        <label>Types <input type="text" name="type" value="{{types}}" placeholder="OrderPlaced,OrderPaid"></label>
        <button type="submit">Follow</button>
        </form>
        <p id="tail-status">Events appear here as they are appended, newest first.</p>
        <table class="events" id="tail" data-live="{{live}}">
        <thead><tr><th>Position</th><th>Stream</th><th>Version</th><th>Type</th><th>Recorded</th></tr></thead>
        <tbody></tbody>
        </table>
        {{/content}}{{/layout}}
        """

    static let projections = """
        {{<layout}}{{$title}}Projections{{/title}}{{$content}}
        <h1>Projections</h1>
        {{> projectionTable}}
        {{/content}}{{/layout}}
        """

    static let projection = """
        {{<layout}}{{$title}}{{status.name}}{{/title}}{{$content}}
        {{#status}}
        <h1>Projection {{name}}</h1>
        {{#notice}}<p class="notice">{{notice}}</p>{{/notice}}
        <dl class="facts" id="status" data-refresh>
        <dt>State</dt><dd id="state" class="state-{{state}}">{{state}}</dd>
        <dt>Checkpoint</dt><dd id="checkpoint">{{checkpoint}}</dd>
        <dt>Head</dt><dd>{{head}}</dd>
        <dt>Lag</dt><dd>{{lagEvents}} events, {{lagSeconds}} s</dd>
        <dt>Generation</dt><dd id="generation">{{generation}}{{#rebuildCheckpoint}} (rebuilding, at {{rebuildCheckpoint}}){{/rebuildCheckpoint}}</dd>
        <dt>Version</dt><dd>{{version}}</dd>
        <dt>Node</dt><dd>{{node}}</dd>
        <dt>Last error</dt><dd>{{lastError}}</dd>
        <dt>Parked events</dt><dd>{{parkedCount}}</dd>
        </dl>
        {{#mayControl}}
        <section class="actions">
        <form method="post" action="{{rebuildAction}}" data-confirm="Rebuild {{name}} from the start of the log?">
        <button type="submit">Rebuild</button></form>
        <form method="post" action="{{resetAction}}" data-confirm="Reset the checkpoint of {{name}}? Events after it are applied again.">
        <label>Reset to position <input type="number" name="position" min="0" value="{{checkpoint}}" required></label>
        <button type="submit">Reset</button></form>
        <form method="post" action="{{replayAction}}"><button type="submit">Replay parked events</button></form>
        </section>
        {{/mayControl}}
        <h2>Parked events</h2>
        <table class="parked" id="parked" data-refresh>
        <thead><tr><th>Position</th><th>Stream</th><th>Type</th><th>Attempts</th><th>Error</th></tr></thead>
        <tbody>
        {{#parked}}
        <tr><td><a href="{{link}}">{{position}}</a></td><td>{{stream}}</td><td>{{type}}</td><td>{{attempts}}</td><td>{{error}}</td></tr>
        {{/parked}}
        {{^parked}}<tr><td colspan="5">None.</td></tr>{{/parked}}
        </tbody>
        </table>
        {{/status}}
        {{/content}}{{/layout}}
        """
}
