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

/// `GET /health` (readiness: databases reachable, no projection failed), `GET /health/live` (liveness: the
/// process answers) and `GET /metrics` (Prometheus text).
///
/// Both health routes are open, for load balancers and orchestrators, so they say no more than they must:
/// `/health` answers only `{"status":"ready"}` or 503 `{"status":"unavailable"}` unless the caller may read
/// (a `read` token, or a service without authentication), who also gets each store's and projection's state.
/// A database that is down reads as a stable code (`unavailable`, `timeout`, `error`); the error itself goes
/// to the log, never into the body.
struct HealthRoutes: Sendable {
    let runtime: StrataRuntime
    let metrics: MetricsExposition?
    /// How long a database may take to answer before it counts as down.
    let probeTimeout: Duration = .seconds(2)

    func add(to routes: StrataRoutes) {
        routes.get("/health/live", access: .open, documentation: Self.liveness) { _, _ in JSONReply(HealthReport(status: "alive")) }
        routes.get("/health", access: .open, documentation: Self.readiness) { _, context in
            try await readiness(details: context.isGranted(.read))
        }
        if let metrics {
            routes.get("/metrics", access: .read, documentation: Self.metrics) { _, _ in
                Response(
                    status: .ok,
                    headers: [.contentType: metrics.contentType],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render()))
                )
            }
        }
    }

    private static let liveness = RouteDocumentation(
        "getLiveness",
        summary: "Liveness: the process answers",
        tags: ["service"],
        responses: [200: OpenAPI.Response(description: "Alive.", content: [.json: .b(OpenAPI.Content(schema: APIComponents.schema("Health")))])]
    )

    private static let readiness = RouteDocumentation(
        "getReadiness",
        summary: "Readiness: both databases answer and every view is built",
        description: "200 when the event store and the read store answer within 2 seconds and every projection has built "
            + "its view and none has failed, else 503 with the same body. The parts (each store's and projection's "
            + "state; a store that is down says `unavailable`, `timeout` or `error`) are shown to callers with the read "
            + "scope when the service checks tokens, to every caller when it does not.",
        tags: ["service"],
        responses: [
            200: OpenAPI.Response(description: "Ready.", content: [.json: .b(OpenAPI.Content(schema: APIComponents.schema("Health")))]),
            503: OpenAPI.Response(description: "Not ready.", content: [.json: .b(OpenAPI.Content(schema: APIComponents.schema("Health")))]),
        ]
    )

    private static let metrics = RouteDocumentation(
        "getMetrics",
        summary: "Metrics in the Prometheus text format",
        description: "`strata_http_requests_total` and `strata_http_request_duration_seconds` by method, route pattern and "
            + "the status answered (a method other than GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS counts as "
            + "`other`), and `strata_projection_*`: checkpoint, lag, applied, parked, state.",
        tags: ["service"],
        responses: [
            200: OpenAPI.Response(
                description: "The metrics.",
                content: [OpenAPI.ContentType(rawValue: "text/plain")!: .b(OpenAPI.Content(schema: JSONSchema.string))]
            )
        ]
    )

    /// 200 when both databases answer and every projection has built its view and not failed, else 503; with
    /// `details`, the body says which part is not ready.
    private func readiness(details: Bool) async throws -> JSONReply<HealthReport> {
        let (health, ready) = await report()
        return JSONReply(details ? health : HealthReport(status: health.status), status: ready ? .ok : .serviceUnavailable)
    }

    /// Every part's health, and whether the service is ready for traffic: both databases answer and every
    /// projection has built its view and not failed.
    ///
    /// - Parameter known: The projections' statuses when the caller has just read them (`nil`: read them here).
    func report(statuses known: [ProjectionStatus]? = nil) async -> (HealthReport, ready: Bool) {
        let store = runtime.store
        let readStore = runtime.readStore
        async let head = probe { try await store.headPosition() }
        async let readStoreUp = probe { try await readStore.withReader { _ = try await $0.projectionRecord(named: "") } }
        let statuses: [ProjectionStatus]?
        if let known { statuses = known } else { statuses = try? await runtime.projections.statuses() }
        var health = HealthReport(status: "ready")
        var ready = true
        switch await head {
        case .success(let position): health.eventStore = HealthReport.Part(status: "up", head: position.value)
        case .failure(let error):
            ready = false
            health.eventStore = HealthReport.Part(status: "down", error: report(error, of: "event store"))
        }
        switch await readStoreUp {
        case .success: health.readStore = HealthReport.Part(status: "up")
        case .failure(let error):
            ready = false
            health.readStore = HealthReport.Part(status: "down", error: report(error, of: "read store"))
        }
        if let statuses {
            health.projections = statuses.map { HealthReport.Projection(name: $0.name, state: $0.state.description, lagEvents: $0.lagEvents) }
            // A view not built yet (generation 0: its projection has not started on any node) cannot answer queries,
            // which would be 503 view-not-built: a service that is starting is not ready for traffic.
            if statuses.contains(where: { $0.state == .failed || $0.generation == 0 }) { ready = false }
        }
        if let replicas = runtime.queries.replicas {
            health.readReplicas = replicas.statuses.map { HealthReport.ReadReplica(name: $0.name, status: $0.health.description, lagEvents: $0.lag) }
        }
        if !ready { health.status = "unavailable" }
        return (health, ready)
    }

    /// Logs why a database is down and returns a stable code for the body: error texts can hold SQL, paths or
    /// connection strings, which are no one's business but the operator's.
    private func report(_ error: any Error, of part: String) -> String {
        runtime.logger.warning("health probe failed", metadata: ["part": "\(part)", "error": "\(String(reflecting: error))"])
        switch error {
        case is ProbeTimeout: return "timeout"
        case let error as EventStoreError where error.code == .unavailable || error.code == .closed: return "unavailable"
        case let error as ReadStoreError where error.code == .unavailable: return "unavailable"
        default: return "error"
        }
    }

    /// A database that did not answer within the probe timeout.
    private struct ProbeTimeout: Error {}

    /// Runs `body` with a deadline, so that a database that hangs reads as down instead of hanging the probe.
    private func probe<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async -> Result<T, any Error> {
        let timeout = probeTimeout
        do {
            return .success(
                try await withThrowingTaskGroup(of: T.self) { group in
                    group.addTask { try await body() }
                    group.addTask {
                        try await Task.sleep(for: timeout)
                        throw ProbeTimeout()
                    }
                    defer { group.cancelAll() }
                    return try await group.next()!
                }
            )
        } catch {
            return .failure(error)
        }
    }
}
