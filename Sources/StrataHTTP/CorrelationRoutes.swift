//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import OpenAPIKit
import Strata

/// `GET /correlations/{id}`: every event one request caused, across streams, in global order, a page at a time.
struct CorrelationRoutes: Sendable {
    let store: any EventStore
    let configuration: StrataHTTPConfiguration

    /// The longest correlation id looked up: as long as a `Strata-Correlation-ID` header may be.
    static let maximumIDLength = StrataHTTPConfiguration.maxTokenHeaderBytes

    func add(to routes: StrataRoutes) {
        routes.get("/correlations/{id}", access: .read, documentation: documentation) { request, context in
            try await readCorrelated(request, context: context)
        }
    }

    private var documentation: RouteDocumentation {
        RouteDocumentation(
            "readCorrelation",
            summary: "The events of one correlation id, across streams",
            description: "Up to `limit` events (at most \(configuration.maximumPageSize)) recorded with the correlation id, "
                + "from global position `from`, in global order: the command's events, the process managers' reactions and "
                + "the commands they sent. `next` is the position to ask for next, or null at the end. An id no event "
                + "carries answers an empty page.",
            tags: ["events"],
            parameters: [
                .path(
                    name: "id",
                    schema: .string(minLength: 1, maxLength: Self.maximumIDLength),
                    description: "The correlation id (percent-encoded where needed), as `Strata-Correlation-ID` set it."
                ),
                .query(name: "from", schema: APIComponents.position(), description: "The first global position to read; 0 by default."),
                APIComponents.pageLimitParameter(maximumPageSize: configuration.maximumPageSize),
            ],
            responses: [
                200: OpenAPI.Response(
                    description: "The page.",
                    content: [.json: .b(OpenAPI.Content(schema: APIComponents.schema("CorrelationPage")))]
                )
            ],
            problems: [400: ["invalid-correlation-id", "invalid-parameter", "invalid-limit"], 501: ["not-supported"]]
        )
    }

    private func readCorrelated(_ request: Request, context: StrataRequestContext) async throws -> JSONReply<CorrelationPage> {
        let raw = try context.parameters.require("id")
        let id = raw.removingPercentEncoding ?? raw
        guard !id.isEmpty, id.utf8.count <= Self.maximumIDLength, !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw HTTPProblem(
                .badRequest, code: "invalid-correlation-id",
                detail: "a correlation id has 1 to \(Self.maximumIDLength) bytes and no control characters")
        }
        let from = try request.integerParameter("from") ?? 0
        let limit = try request.pageLimit(maximum: configuration.maximumPageSize)
        guard let catalog = store as? any StreamCatalog else {
            throw HTTPProblem(.notImplemented, code: "not-supported", detail: "this event store cannot look events up by correlation id")
        }
        let events = try await catalog.events(correlatedWith: id, from: GlobalPosition(from), limit: limit)
        let page = CorrelationPage(
            correlationId: id,
            events: events.map(EventJSON.init),
            next: events.count == limit ? events.last.map { $0.position.next.value } : nil
        )
        return JSONReply(page)
    }
}

/// The body of `GET /correlations/{id}`: a page of the events of one correlation id.
struct CorrelationPage: Encodable, Sendable {
    var correlationId: String
    var events: [EventJSON]
    /// The position to ask for next; `nil`, written as `null`, when the page was the last.
    var next: UInt64?

    private enum CodingKeys: String, CodingKey {
        case correlationId, events, next
    }

    // Written out because the synthesized encoding leaves out a `nil` next, and clients look for `null`.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(correlationId, forKey: .correlationId)
        try container.encode(events, forKey: .events)
        try container.encode(next, forKey: .next)
    }
}
