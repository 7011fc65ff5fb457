//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import AsyncAlgorithms
import Foundation
import Hummingbird
import OpenAPIKit
import ServiceLifecycle
import Strata

/// `GET /streams/{id}` (a stream's events, paged) and `GET /events` (the log as Server-Sent Events).
struct EventStreamRoutes: Sendable {
    let store: any EventStore
    let configuration: StrataHTTPConfiguration
    let slots: EventStreamSlots

    init(store: any EventStore, configuration: StrataHTTPConfiguration) {
        self.store = store
        self.configuration = configuration
        slots = EventStreamSlots(limit: configuration.maxEventStreams)
    }

    func add(to routes: StrataRoutes) {
        routes.get("/streams/{id}", access: .read, documentation: streamDocumentation) { request, context in
            try await readStream(request, context: context)
        }
        routes.get("/events", access: .read, documentation: eventsDocumentation) { request, context in try await events(request, context: context) }
        // The same stream for the operator console, whose page can send its cookie but no Authorization header, and
        // whose script hears unnamed events only (a browser's EventSource has no listener for every event name).
        routes.console("/console/live", method: .get, access: .read) { request, context in
            try await events(request, context: context, namesEvents: false)
        }
    }

    private var streamDocumentation: RouteDocumentation {
        RouteDocumentation(
            "readStream",
            summary: "A page of a stream's events",
            description: "Up to `limit` events (at most \(configuration.maximumPageSize)) from version `from`; `next` is the "
                + "version to ask for next, or null at the end. The `ETag` is the stream's current version.",
            tags: ["events"],
            parameters: [
                .path(
                    name: "id",
                    schema: .string(minLength: 1, maxLength: StreamID.maximumLength),
                    description: "The stream's id (percent-encoded where needed)."
                ),
                .query(name: "from", schema: APIComponents.position(), description: "The first version to read; 0 by default."),
                APIComponents.pageLimitParameter(maximumPageSize: configuration.maximumPageSize),
            ],
            responses: [
                200: OpenAPI.Response(
                    description: "The page.",
                    headers: ["ETag": .b(OpenAPI.Header(schema: .string, description: "The stream's current version, in quotes.", required: true))],
                    content: [.json: .b(OpenAPI.Content(schema: APIComponents.schema("StreamPage")))]
                )
            ],
            problems: [400: ["invalid-stream-id", "invalid-parameter", "invalid-limit"], 404: ["not-found"], 410: ["stream-deleted"]]
        )
    }

    private var eventsDocumentation: RouteDocumentation {
        RouteDocumentation(
            "streamEvents",
            summary: "The log as Server-Sent Events, history then live",
            description: """
                Each event is `id:` its global position, `event:` its type and `data:` its JSON (an `Event`). The stream \
                starts after `Last-Event-ID` when a client reconnects, else at `from` (a position, or `end` for live \
                events only), else at the beginning. An idle stream gets a `: keep-alive` comment every \
                \(configuration.eventStreamHeartbeat.components.seconds) seconds. It ends after `limit` events, when the \
                service stops, and when the bearer token it was opened with expires (after `event: token-expired`); a \
                failing stream sends `event: error` with `{"code":"stream-failed"}` and ends. At most \
                \(configuration.maxEventStreams) streams are open at once.
                """,
            tags: ["events"],
            parameters: [
                .header(name: "Last-Event-ID", schema: APIComponents.position(), description: "The position a reconnecting client saw last."),
                .query(
                    name: "from",
                    schema: .string(pattern: "^([0-9]+|end)$"),
                    description: "The first position to send, or `end` for live events only."
                ),
                .query(name: "category", schema: .string, description: "Only events of streams in this category (`order` for `order-42`)."),
                .query(name: "type", schema: .string, description: "Only events of these types, comma-separated."),
                .query(name: "limit", schema: APIComponents.position(), description: "End the stream after this many events."),
            ],
            responses: [
                200: OpenAPI.Response(
                    description: "The event stream.",
                    content: [OpenAPI.ContentType(rawValue: "text/event-stream")!: .b(OpenAPI.Content(schema: JSONSchema.string))]
                )
            ],
            problems: [400: ["invalid-last-event-id", "invalid-parameter"], 503: ["too-many-event-streams"]]
        )
    }

    /// `{"stream", "version", "events": […], "next"}`: up to `limit` events from version `from`; `next` is the
    /// version to ask for next, or `null` at the end.
    private func readStream(_ request: Request, context: StrataRequestContext) async throws -> JSONReply<StreamPage> {
        let raw = try context.parameters.require("id")
        let stream = try StreamID(raw.removingPercentEncoding ?? raw)
        let from = try request.integerParameter("from") ?? 0
        let limit = try request.pageLimit(maximum: configuration.maximumPageSize)
        guard let version = try await store.currentVersion(of: stream) else {
            throw HTTPProblem(.notFound, code: "not-found", detail: "there is no stream '\(stream)'")
        }
        let events = try await store.readStream(stream, from: StreamVersion(from), direction: .forwards, limit: limit)
        let page = StreamPage(
            stream: stream.rawValue,
            version: version.value,
            events: events.map(EventJSON.init),
            next: events.last.flatMap { $0.version < version ? $0.version.next.value : nil }
        )
        return JSONReply(page, headers: [.eTag: "\"\(version.value)\""])
    }

    private enum Frame: Sendable {
        case event(RecordedEvent)
        case heartbeat
        /// The bearer token the stream was opened with has expired.
        case tokenExpired
    }

    /// The log as Server-Sent Events: history from the starting position, then live events as they commit.
    ///
    /// The start is `Last-Event-ID` + 1 when a client reconnects, else the `from` parameter (a position, or `end`
    /// for live events only), else the beginning. `category` and `type` (comma-separated) filter; `limit` ends
    /// the stream after that many events. Each event is `id:` its position, `event:` its type and `data:` its
    /// JSON; an idle stream gets a comment line every heartbeat. The stream ends when the service shuts down,
    /// and when the bearer token it was opened with expires (after an `event: token-expired`), so that a token
    /// grants no more than its lifetime. A failing stream sends `event: error` with a stable code only; the
    /// error itself goes to the log. Beyond the service's limit of open streams it answers 503
    /// `too-many-event-streams` with `Retry-After`.
    private func events(_ request: Request, context: StrataRequestContext, namesEvents: Bool = true) async throws -> Response {
        let start = try await startPosition(request)
        guard let slot = slots.take() else {
            throw HTTPProblem(
                .serviceUnavailable,
                code: "too-many-event-streams",
                detail: "\(slots.limit) event streams are open, the most this service serves at once; retry later",
                headers: [.retryAfter: "5"]
            )
        }
        var filter = EventFilter.all
        if let category = request.uri.queryParameters["category"], !category.isEmpty { filter.category = String(category) }
        if let types = request.uri.queryParameters["type"], !types.isEmpty {
            filter.eventTypes = Set(types.split(separator: ",").map(String.init))
        }
        let limit = try request.integerParameter("limit")
        let subscription = store.subscribeToAll(from: start, filter: filter).map { Frame.event($0) }
        let heartbeats = AsyncTimerSequence.repeating(every: configuration.eventStreamHeartbeat).map { _ in Frame.heartbeat }
        let expiry = AsyncTimerSequence.repeating(every: Self.delay(until: context.tokenExpiry), clock: .continuous)
            .prefix(1)
            .map { _ in Frame.tokenExpired }
        let frames = merge(subscription, heartbeats, expiry)
        let logger = context.logger
        let body = ResponseBody { writer in
            // One encoder for the whole stream, not one per event.
            let encoder = JSONEncoder.strata(.readable)
            var sent: UInt64 = 0
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            do {
                for try await frame in frames.cancelOnGracefulShutdown() {
                    switch frame {
                    case .event(let event):
                        var text = namesEvents ? "id: \(event.position.value)\nevent: \(event.type)\ndata: " : "id: \(event.position.value)\ndata: "
                        text += String(decoding: try encoder.encode(EventJSON(event)), as: UTF8.self)
                        text += "\n\n"
                        try await writer.write(ByteBuffer(string: text))
                        sent += 1
                    case .heartbeat:
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    case .tokenExpired:
                        try await writer.write(ByteBuffer(string: "event: token-expired\ndata: {\"code\":\"token-expired\"}\n\n"))
                    }
                    if case .tokenExpired = frame { break }
                    if let limit, sent >= limit { break }
                }
            } catch is CancellationError {
                // The client went away or the service is stopping: end the stream cleanly.
            } catch {
                // Headers are sent: the best a failing stream can do is say so and end; the client resumes from
                // its Last-Event-ID.
                logger.warning("event stream failed", metadata: ["error": "\(String(reflecting: error))"])
                try? await writer.write(ByteBuffer(string: "event: error\ndata: {\"code\":\"stream-failed\"}\n\n"))
            }
            try await writer.finish(nil)
            // The body holds the slot, so that it is freed when the body is done with, sent or not.
            withExtendedLifetime(slot) {}
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .init("X-Accel-Buffering")!: "no"],
            body: body
        )
    }

    private func startPosition(_ request: Request) async throws -> GlobalPosition {
        if let lastEventID = request.headers[.lastEventID] {
            guard let last = GlobalPosition(parsing: lastEventID.trimmingCharacters(in: .whitespaces)) else {
                throw HTTPProblem(.badRequest, code: "invalid-last-event-id", detail: "Last-Event-ID must be a global position")
            }
            return last.next
        }
        guard let from = request.uri.queryParameters["from"] else { return .start }
        if from == "end" { return try await store.headPosition().next }
        guard let position = GlobalPosition(parsing: from) else {
            throw HTTPProblem(.badRequest, code: "invalid-parameter", detail: "from must be a global position or 'end'")
        }
        return position
    }

    /// How long until `expiry`: a timer's first tick comes one interval after it starts. A token that does not
    /// expire (or no token) waits a century, which stands in for "never".
    private static func delay(until expiry: Date?) -> Duration {
        guard let expiry else { return .seconds(100 * 365 * 86_400) }
        return .milliseconds(max(Int64(expiry.timeIntervalSinceNow * 1000), 1))
    }
}

extension Request {
    /// A non-negative integer query parameter of at most 2^63 - 1 (the range of positions and versions); `nil`
    /// when absent.
    ///
    /// - Throws: ``HTTPProblem`` 400 for anything else, so that no later arithmetic or conversion can overflow.
    func integerParameter(_ name: String) throws -> UInt64? {
        guard let text = uri.queryParameters[Substring(name)] else { return nil }
        guard let value = BoundedInteger.parse(text, maximum: UInt64(Int64.max)) else {
            throw HTTPProblem(.badRequest, code: "invalid-parameter", detail: "\(name) must be an integer from 0 to 9223372036854775807")
        }
        return value
    }
}
