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
struct ProjectionRoutes: Sendable {
    let runner: ProjectionRunner

    func add(to router: Router<StrataRequestContext>) {
        router.get("/projections") { _, _ in
            try Self.json(try await runner.statuses().map(ProjectionStatusJSON.object(for:)))
        }
        router.get("/projections/{name}") { _, context in
            try Self.json(ProjectionStatusJSON.object(for: try await runner.status(of: try name(context))))
        }
        router.get("/projections/{name}/parked") { _, context in
            let parked = try await runner.parkedEvents(of: try name(context))
            return try Self.json(
                parked.map { entry -> [String: Any] in
                    ["event": EventJSON.object(for: entry.event), "error": entry.error, "attempts": entry.attempts]
                }
            )
        }
        router.post("/projections/{name}/rebuild") { request, context in
            let name = try name(context)
            let from = try request.integerParameter("from").map { GlobalPosition($0) } ?? .start
            try await runner.rebuild(name, from: from)
            return try Self.json(["projection": name, "rebuildFrom": from.value], status: .accepted)
        }
        router.post("/projections/{name}/replay-parked") { _, context in
            let name = try name(context)
            let (replayed, stillParked) = try await runner.replayParked(name)
            return try Self.json(["projection": name, "replayed": replayed, "stillParked": stillParked])
        }
    }

    /// The projection named in the path; 404 when this service does not run it.
    private func name(_ context: StrataRequestContext) throws -> String {
        let name = try context.parameters.require("name")
        guard runner.projectionNames.contains(name) else {
            throw HTTPProblem(.notFound, code: "not-found", detail: "there is no projection '\(name)'")
        }
        return name
    }

    static func json(_ object: Any, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
