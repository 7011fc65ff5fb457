//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import Strata

/// The operator console at `/console`: pages rendered by the service from what its stores hold, and forms for the
/// projection actions.
///
/// Every page and action is a route with the same access as its counterpart in the API (`read` to look, `admin` to
/// act), checked by the same middleware, so the console can do nothing its visitor's token could not do through the
/// API. The routes are not part of the API and are left out of the OpenAPI document.
struct ConsoleRoutes: Sendable {
    let runtime: StrataRuntime
    let configuration: StrataHTTPConfiguration

    /// Events shown on the overview and on each page of a stream.
    static let pageSize = 50
    /// Streams on each page of the stream list.
    static let streamPageSize = 100
    /// Categories on the overview and on each page of the category list.
    static let categoryPageSize = 50
    /// Events of one correlation drawn as a tree.
    static let correlationLimit = 1000
    static let notAToken = "That is not a token: a token has three parts separated by dots."
    /// The largest form the console takes.
    static let maximumFormBytes = 16 * 1024

    private var tokensRequired: Bool { configuration.authSecret != nil }

    func add(to routes: StrataRoutes) {
        routes.console("/console/console.css", method: .get, access: .open) { _, _ in
            ConsolePage(contentType: "text/css; charset=utf-8", body: ConsoleAssets.styleSheet)
        }
        routes.console("/console/console.js", method: .get, access: .open) { _, _ in
            ConsolePage(contentType: "text/javascript; charset=utf-8", body: ConsoleAssets.script)
        }
        routes.console("/console/sign-in", method: .get, access: .open) { _, context in
            ConsolePage.render("signIn", SignInView(session: session(context), tokensRequired: tokensRequired))
        }
        routes.console("/console/sign-in", method: .post, access: .open) { request, context in
            try await signIn(request, context: context)
        }
        routes.console("/console/sign-out", method: .post, access: .open) { request, _ in
            try ConsoleSession.requireSameOrigin(request)
            var page = ConsolePage.seeOther("/console/sign-in")
            page.extraHeaders[.setCookie] = ConsoleSession.signOut.description
            return page
        }
        routes.console("/console", method: .get, access: .read) { _, context in
            try await overview(context)
        }
        routes.console("/console/categories", method: .get, access: .read) { request, context in
            try await categories(request, context: context)
        }
        routes.console("/console/streams", method: .get, access: .read) { request, context in
            try await streams(request, context: context)
        }
        // The stream form's target: the id typed in, as the stream's own address.
        routes.console("/console/stream", method: .get, access: .read) { request, _ in
            ConsolePage.seeOther(ConsoleLinks.stream(request.uri.queryParameters["id"].map(String.init) ?? ""))
        }
        routes.console("/console/streams/{id}", method: .get, access: .read) { request, context in
            try await stream(request, context: context)
        }
        routes.console("/console/events/{position}", method: .get, access: .read) { _, context in
            try await event(context)
        }
        routes.console("/console/correlations/{id}", method: .get, access: .read) { _, context in
            try await correlation(context)
        }
        routes.console("/console/tail", method: .get, access: .read) { request, context in
            let category = request.uri.queryParameters["category"].map(String.init) ?? ""
            let types = request.uri.queryParameters["type"].map(String.init) ?? ""
            var live = "/console/live?from=end"
            if !category.isEmpty { live += "&category=\(ConsoleLinks.queryValue(category))" }
            if !types.isEmpty { live += "&type=\(ConsoleLinks.queryValue(types))" }
            return ConsolePage.render("tail", TailView(session: session(context), category: category, types: types, live: live))
        }
        routes.console("/console/projections", method: .get, access: .read) { _, context in
            ConsolePage.render(
                "projections",
                ProjectionsView(session: session(context), projections: try await projectionRows(context))
            )
        }
        routes.console("/console/projections/{name}", method: .get, access: .read) { request, context in
            try await projection(try projectionName(context), notice: request.uri.queryParameters["done"].map(String.init), context: context)
        }
        routes.console("/console/projections/{name}/rebuild", method: .post, access: .admin) { _, context in
            let name = try projectionName(context)
            try await runtime.projections.rebuild(name)
            return ConsolePage.seeOther(ConsoleLinks.projection(name) + "?done=rebuild-started")
        }
        routes.console("/console/projections/{name}/reset", method: .post, access: .admin) { request, context in
            let name = try projectionName(context)
            let form = try await Self.form(request)
            guard let text = form["position"], let position = UInt64(text) else {
                throw HTTPProblem(.badRequest, code: "invalid-position", detail: "the position must be a whole number from 0")
            }
            // A checkpoint past the head would skip events not yet written: surely a typo, as the CLI says too.
            let head = try await runtime.store.headPosition()
            guard position <= head.value else {
                throw HTTPProblem(.badRequest, code: "invalid-position", detail: "\(position) is beyond the head of the log, \(head.value)")
            }
            try await runtime.projections.reset(name, to: GlobalPosition(position))
            return ConsolePage.seeOther(ConsoleLinks.projection(name) + "?done=reset")
        }
        routes.console("/console/projections/{name}/replay-parked", method: .post, access: .admin) { _, context in
            let name = try projectionName(context)
            _ = try await runtime.projections.replayParked(name)
            return ConsolePage.seeOther(ConsoleLinks.projection(name) + "?done=replayed")
        }
    }

    private func session(_ context: StrataRequestContext) -> ConsoleSessionView {
        ConsoleSessionView(context, tokensRequired: tokensRequired)
    }

    private var catalog: any StreamCatalog {
        get throws {
            guard let catalog = runtime.store as? any StreamCatalog else {
                throw HTTPProblem(.notImplemented, code: "not-supported", detail: "this event store does not list its streams")
            }
            return catalog
        }
    }

    // MARK: Pages

    private func overview(_ context: StrataRequestContext) async throws -> ConsolePage {
        // The chart's history first, then the head the live stream continues after: an event appended in between
        // is missed rather than counted twice.
        let activity = try await ConsoleActivity.read(from: catalog)
        let head = try await runtime.store.headPosition()
        let categories = try await catalog.listCategories(after: nil, limit: Self.categoryPageSize)
        let from = head.value > UInt64(Self.pageSize) ? head.value - UInt64(Self.pageSize) + 1 : 1
        let latest = try await runtime.store.readAll(from: GlobalPosition(from), limit: Self.pageSize)
        let statuses = try await runtime.projections.statuses()
        let (health, _) = await HealthRoutes(runtime: runtime, metrics: nil).report(statuses: statuses)
        func describe(_ part: HealthReport.Part?) -> String {
            guard let part else { return "–" }
            return part.error.map { "\(part.status) (\($0))" } ?? part.status
        }
        return ConsolePage.render(
            "overview",
            OverviewView(
                session: session(context),
                head: head.value,
                lastRecordedAt: latest.last?.recordedAt.iso8601Timestamp ?? "–",
                health: health.status,
                eventStore: describe(health.eventStore),
                readStore: describe(health.readStore),
                projections: projectionRows(statuses, context),
                events: latest.reversed().map(EventRowView.init),
                categories: categories.map(CategoryRowView.init),
                moreCategories: categories.count == Self.categoryPageSize ? "/console/categories" : nil,
                activity: activity.attribute,
                activityComplete: activity.isComplete,
                live: "/console/live?from=\(head.next.value)"
            )
        )
    }

    private func categories(_ request: Request, context: StrataRequestContext) async throws -> ConsolePage {
        let after = request.uri.queryParameters["after"].map(String.init)
        let categories = try await catalog.listCategories(after: after, limit: Self.categoryPageSize)
        let next =
            categories.count == Self.categoryPageSize ? categories.last.map { "/console/categories?after=\(ConsoleLinks.queryValue($0.name))" } : nil
        return ConsolePage.render(
            "categories",
            CategoriesView(session: session(context), categories: categories.map(CategoryRowView.init), next: next)
        )
    }

    private func streams(_ request: Request, context: StrataRequestContext) async throws -> ConsolePage {
        let category = request.uri.queryParameters["category"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let after = try request.uri.queryParameters["after"].map { text in
            guard let stream = try? StreamID(String(text)) else {
                throw HTTPProblem(.badRequest, code: "invalid-stream-id", detail: "'after' must be a stream id")
            }
            return stream
        }
        let prefix = request.uri.queryParameters["prefix"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let summaries = try await catalog.listStreams(category: category, prefix: prefix, after: after, limit: Self.streamPageSize)
        var next: String?
        if summaries.count == Self.streamPageSize, let last = summaries.last {
            next =
                "/console/streams?after=\(ConsoleLinks.queryValue(last.stream.rawValue))"
                + (category.map { "&category=\(ConsoleLinks.queryValue($0))" } ?? "")
                + (prefix.map { "&prefix=\(ConsoleLinks.queryValue($0))" } ?? "")
        }
        return ConsolePage.render(
            "streams",
            StreamsView(
                session: session(context),
                category: category ?? "",
                prefix: prefix ?? "",
                streams: summaries.map(StreamRowView.init),
                next: next
            )
        )
    }

    private func stream(_ request: Request, context: StrataRequestContext) async throws -> ConsolePage {
        let text = try context.parameters.require("id")
        guard let stream = try? StreamID(text) else {
            throw HTTPProblem(.notFound, code: "not-found", detail: "'\(text)' is not a stream id")
        }
        let from = try request.integerParameter("from") ?? 0
        let events = try await runtime.store.readStream(stream, from: StreamVersion(from), direction: .forwards, limit: Self.pageSize)
        guard !events.isEmpty || from > 0 else {
            throw HTTPProblem(.notFound, code: "not-found", detail: "stream '\(text)' has no events")
        }
        let next = events.count == Self.pageSize ? events.last.map { "\(ConsoleLinks.stream(text))?from=\($0.version.value + 1)" } : nil
        return ConsolePage.render(
            "stream",
            StreamView(session: session(context), stream: stream.rawValue, events: events.map(EventRowView.init), next: next)
        )
    }

    private func event(_ context: StrataRequestContext) async throws -> ConsolePage {
        let text = try context.parameters.require("position")
        guard let value = UInt64(text), value > 0,
            let event = try await runtime.store.readAll(from: GlobalPosition(value), limit: 1).first,
            event.position.value == value
        else {
            throw HTTPProblem(.notFound, code: "not-found", detail: "there is no event at position '\(text)'")
        }
        // A causation id names an event or a command; only an event is found by it.
        var cause: RecordedEvent?
        if let id = event.metadata.causationID.flatMap(UUID.init(uuidString:)) {
            cause = try await catalog.event(id: id)
        }
        return ConsolePage.render(
            "event",
            EventView(event, cause: cause, session: session(context), maximumJSONDepth: configuration.maxJSONDepth)
        )
    }

    private func correlation(_ context: StrataRequestContext) async throws -> ConsolePage {
        let id = try context.parameters.require("id")
        guard !id.isEmpty, id.utf8.count <= CorrelationRoutes.maximumIDLength else {
            throw HTTPProblem(.notFound, code: "not-found", detail: "that is not a correlation id")
        }
        let events = try await catalog.events(correlatedWith: id, from: .start, limit: Self.correlationLimit)
        return ConsolePage.render(
            "correlation",
            CorrelationView(
                session: session(context),
                correlationID: id,
                roots: CausationNodeView.trees(of: events),
                truncated: events.count == Self.correlationLimit,
                shown: events.count
            )
        )
    }

    private func projectionRows(_ context: StrataRequestContext) async throws -> [ProjectionRowView] {
        projectionRows(try await runtime.projections.statuses(), context)
    }

    private func projectionRows(_ statuses: [ProjectionStatus], _ context: StrataRequestContext) -> [ProjectionRowView] {
        let showsErrors = context.isGranted(.admin)
        return statuses.map { ProjectionRowView($0, showsErrors: showsErrors) }
    }

    private func projection(_ name: String, notice: String?, context: StrataRequestContext) async throws -> ConsolePage {
        let showsErrors = context.isGranted(.admin)
        let status = try await runtime.projections.status(of: name)
        let parked = try await runtime.projections.parkedEvents(of: name).map { entry in
            ParkedRowView(
                position: entry.event.position.value,
                link: ConsoleLinks.event(entry.event.position),
                stream: entry.event.stream.rawValue,
                type: entry.event.type,
                attempts: entry.attempts,
                error: showsErrors ? entry.error : ProjectionRoutes.withheld
            )
        }
        let notices = ["rebuild-started": "Rebuild started.", "reset": "Checkpoint reset.", "replayed": "Parked events replayed."]
        return ConsolePage.render(
            "projection",
            ProjectionView(
                ProjectionRowView(status, showsErrors: showsErrors),
                parked: parked,
                session: session(context),
                notice: notice.flatMap { notices[$0] }
            )
        )
    }

    private func projectionName(_ context: StrataRequestContext) throws -> String {
        let name = try context.parameters.require("name")
        guard runtime.projections.projectionNames.contains(name) else {
            throw HTTPProblem(.notFound, code: "not-found", detail: "there is no projection '\(name)'")
        }
        return name
    }

    // MARK: Signing in

    private func signIn(_ request: Request, context: StrataRequestContext) async throws -> ConsolePage {
        try ConsoleSession.requireSameOrigin(request)
        guard tokensRequired else { return ConsolePage.seeOther("/console") }
        let token = (try await Self.form(request)["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard ConsoleSession.isTokenShaped(token) else {
            return ConsolePage.render(
                "signIn",
                SignInView(session: session(context), tokensRequired: true, problem: Self.notAToken),
                status: .badRequest
            )
        }
        // Checked by the next request, like every request: a token that is refused there comes back here.
        var page = ConsolePage.seeOther("/console")
        page.extraHeaders[.setCookie] = ConsoleSession.signIn(token).description
        return page
    }

    /// The fields of a form the console posted (`application/x-www-form-urlencoded`).
    static func form(_ request: Request) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: maximumFormBytes)
        var fields: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            fields[decoded(parts[0])] = parts.count > 1 ? decoded(parts[1]) : ""
        }
        return fields
    }
}
