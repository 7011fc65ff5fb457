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

/// `GET /projections`, `GET /projections/{name}`, `GET /projections/{name}/parked` and the admin actions
/// `POST /projections/{name}/rebuild` and `POST /projections/{name}/replay-parked`.
///
/// A projection's errors are its handler's or the read store's own words, which can hold SQL or paths: only
/// callers who may act on them (`admin`, or everyone without authentication) read them; others see
/// `"withheld"` in their place.
struct ProjectionRoutes: Sendable {
    let runner: ProjectionRunner

    func add(to routes: StrataRoutes) {
        routes.get("/projections", access: .read, documentation: Self.listDocumentation) { _, context in
            JSONReply(try await runner.statuses().map { Self.status($0, for: context) })
        }
        routes.get("/projections/{name}", access: .read, documentation: Self.statusDocumentation) { _, context in
            JSONReply(Self.status(try await runner.status(of: try name(context)), for: context))
        }
        routes.get("/projections/{name}/parked", access: .read, documentation: Self.parkedDocumentation) { _, context in
            let parked = try await runner.parkedEvents(of: try name(context))
            let showsErrors = context.isGranted(.admin)
            return JSONReply(
                parked.map { entry in
                    Parked(event: EventJSON(entry.event), error: showsErrors ? entry.error : Self.withheld, attempts: entry.attempts)
                }
            )
        }
        routes.post("/projections/{name}/rebuild", access: .admin, documentation: Self.rebuildDocumentation) { request, context in
            let name = try name(context)
            let from = try request.integerParameter("from").map { GlobalPosition($0) } ?? .start
            try await runner.rebuild(name, from: from)
            return JSONReply(RebuildStarted(projection: name, rebuildFrom: from.value), status: .accepted)
        }
        routes.post("/projections/{name}/replay-parked", access: .admin, documentation: Self.replayDocumentation) { _, context in
            let name = try name(context)
            let (replayed, stillParked) = try await runner.replayParked(name)
            return JSONReply(ParkedReplayed(projection: name, replayed: replayed, stillParked: stillParked))
        }
    }

    /// What stands in for an error text the caller may not read.
    static let withheld = "withheld"

    /// A projection's status as JSON, its last error withheld from callers without `admin`.
    private static func status(_ status: ProjectionStatus, for context: StrataRequestContext) -> ProjectionStatusJSON {
        var json = ProjectionStatusJSON(status)
        if status.lastError != nil && !context.isGranted(.admin) { json.lastError = withheld }
        return json
    }

    /// The projection named in the path; 404 when this service does not run it.
    private func name(_ context: StrataRequestContext) throws -> String {
        let name = try context.parameters.require("name")
        guard runner.projectionNames.contains(name) else {
            throw HTTPProblem(.notFound, code: "not-found", detail: "there is no projection '\(name)'")
        }
        return name
    }

}

extension ProjectionRoutes {
    private static func json(_ description: String, _ schema: JSONSchema) -> OpenAPI.Response {
        OpenAPI.Response(description: description, content: [.json: .b(OpenAPI.Content(schema: schema))])
    }

    private static let listDocumentation = RouteDocumentation(
        "listProjections",
        summary: "Every projection's status",
        tags: ["projections"],
        responses: [200: json("The projections.", .array(items: APIComponents.schema("ProjectionStatus")))]
    )

    private static let statusDocumentation = RouteDocumentation(
        "getProjection",
        summary: "A projection's status",
        tags: ["projections"],
        responses: [200: json("The status.", APIComponents.schema("ProjectionStatus"))],
        problems: [404: ["not-found"]]
    )

    private static let parkedDocumentation = RouteDocumentation(
        "listParkedEvents",
        summary: "The events a projection has parked, with their errors",
        description: "The errors are `withheld` for callers without the admin scope.",
        tags: ["projections"],
        responses: [200: json("The parked events.", .array(items: APIComponents.schema("ParkedEvent")))],
        problems: [404: ["not-found"]]
    )

    private static let rebuildDocumentation = RouteDocumentation(
        "rebuildProjection",
        summary: "Rebuilds a projection's view beside the one queries read, then switches to it",
        tags: ["projections"],
        parameters: [.query(name: "from", schema: APIComponents.position(), description: "The position to rebuild from; 0 by default.")],
        responses: [
            202: json(
                "The rebuild has started.",
                .object(
                    properties: ["projection": .string, "rebuildFrom": APIComponents.position()],
                    additionalProperties: .a(false)
                )
            )
        ],
        problems: [400: ["invalid-parameter"], 404: ["not-found"]]
    )

    private static let replayDocumentation = RouteDocumentation(
        "replayParkedEvents",
        summary: "Applies a projection's parked events again",
        tags: ["projections"],
        responses: [
            200: json(
                "What was replayed.",
                .object(
                    properties: ["projection": .string, "replayed": .integer(minimum: (0, false)), "stillParked": .integer(minimum: (0, false))],
                    additionalProperties: .a(false)
                )
            )
        ],
        problems: [404: ["not-found"]]
    )

    /// One parked event in `GET /projections/{name}/parked`.
    private struct Parked: Encodable, Sendable {
        var event: EventJSON
        var error: String
        var attempts: Int
    }

    /// The answer to `POST /projections/{name}/rebuild`.
    private struct RebuildStarted: Encodable, Sendable {
        var projection: String
        var rebuildFrom: UInt64
    }

    /// The answer to `POST /projections/{name}/replay-parked`.
    private struct ParkedReplayed: Encodable, Sendable {
        var projection: String
        var replayed: Int
        var stillParked: Int
    }
}
