//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import Prometheus
import Strata

/// `GET /health` (readiness: databases reachable, no projection failed), `GET /health/live` (liveness: the
/// process answers) and `GET /metrics` (Prometheus text).
struct HealthRoutes: Sendable {
    let environment: StrataEnvironment
    let metrics: PrometheusCollectorRegistry?
    /// How long a database may take to answer before it counts as down.
    let probeTimeout: Duration = .seconds(2)

    func add(to router: Router<StrataRequestContext>) {
        router.get("/health/live") { _, _ in try ProjectionRoutes.json(["status": "alive"]) }
        router.get("/health") { _, _ in try await readiness() }
        if let metrics {
            router.get("/metrics") { _, _ in
                Response(
                    status: .ok,
                    headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer()))
                )
            }
        }
    }

    /// 200 when both databases answer and no projection has failed, else 503; the body says which part is not ready.
    private func readiness() async throws -> Response {
        let store = environment.store
        let readStore = environment.readStore
        async let head = probe { try await store.headPosition() }
        async let readStoreUp = probe { try await readStore.withReader { _ = try await $0.projectionRecord(named: "") } }
        let statuses = try? await environment.projections.statuses()
        var body: [String: Any] = [:]
        var ready = true
        switch await head {
        case .success(let position): body["eventStore"] = ["status": "up", "head": position.value]
        case .failure(let error):
            ready = false
            body["eventStore"] = ["status": "down", "error": "\(error)"]
        }
        switch await readStoreUp {
        case .success: body["readStore"] = ["status": "up"]
        case .failure(let error):
            ready = false
            body["readStore"] = ["status": "down", "error": "\(error)"]
        }
        if let statuses {
            body["projections"] = statuses.map { ["name": $0.name, "state": $0.state.description, "lagEvents": $0.lagEvents] as [String: Any] }
            if statuses.contains(where: { $0.state == .failed }) { ready = false }
        }
        body["status"] = ready ? "ready" : "unavailable"
        return try ProjectionRoutes.json(body, status: ready ? .ok : .serviceUnavailable)
    }

    /// Runs `body` with a deadline, so that a database that hangs reads as down instead of hanging the probe.
    private func probe<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async -> Result<T, any Error> {
        let timeout = probeTimeout
        do {
            return .success(
                try await withThrowingTaskGroup(of: T.self) { group in
                    group.addTask { try await body() }
                    group.addTask {
                        try await Task.sleep(for: timeout)
                        throw EventStoreError(.unavailable, "no answer within \(timeout)")
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
