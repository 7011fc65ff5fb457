//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
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
        routes.get("/projections", access: .read) { _, context in
            JSONReply(try await runner.statuses().map { Self.status($0, for: context) })
        }
        routes.get("/projections/{name}", access: .read) { _, context in
            JSONReply(Self.status(try await runner.status(of: try name(context)), for: context))
        }
        routes.get("/projections/{name}/parked", access: .read) { _, context in
            let parked = try await runner.parkedEvents(of: try name(context))
            let showsErrors = context.isGranted(.admin)
            return JSONReply(
                parked.map { entry in
                    Parked(event: EventJSON(entry.event), error: showsErrors ? entry.error : Self.withheld, attempts: entry.attempts)
                }
            )
        }
        routes.post("/projections/{name}/rebuild", access: .admin) { request, context in
            let name = try name(context)
            let from = try request.integerParameter("from").map { GlobalPosition($0) } ?? .start
            try await runner.rebuild(name, from: from)
            return JSONReply(RebuildStarted(projection: name, rebuildFrom: from.value), status: .accepted)
        }
        routes.post("/projections/{name}/replay-parked", access: .admin) { _, context in
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
