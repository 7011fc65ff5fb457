//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

/// Runs `check` with fresh stores from `backend`, disposing of them afterwards.
func withStores(
    _ backend: any ReadStoreConformanceBackend,
    _ check: (any EventStore, any ReadStore) async throws -> Void
) async throws {
    let events = try await backend.makeEventStore()
    let readStore = try await backend.makeReadStore()
    do {
        try await check(events, readStore)
    } catch {
        try? await backend.dispose(readStore)
        try? await backend.dispose(events)
        throw error
    }
    try await backend.dispose(readStore)
    try await backend.dispose(events)
}

/// Runs `runner` while `body` runs, then cancels it and waits for it to stop.
func whileRunning<T: Sendable>(_ runner: ProjectionRunner, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await runner.run()
            return nil
        }
        defer { group.cancelAll() }
        let value = try await body()
        group.cancelAll()
        while try await group.next() != nil {}
        return value
    }
}

/// Waits (up to `seconds`) until `projections` of `runner` have processed through `position`.
func caughtUp(_ runner: ProjectionRunner, _ projections: [String] = ["orders"], to position: GlobalPosition, seconds: Double = 10) async throws {
    try await runner.progress.wait(for: projections, through: position, timeout: .seconds(seconds))
}

/// Polls `condition` every few milliseconds until it holds, failing after `seconds`.
func eventually(_ what: String, seconds: Double = 10, _ condition: @escaping @Sendable () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw DeadlineExceeded(what: what) }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// Every order summary in the active generation, by key.
func orderSummaries(_ readStore: any ReadStore, projection: String = "orders") async throws -> [String: OrderSummary] {
    let all = try await QueryHandler(readStore: readStore, progress: nil).ask(OrdersQuery(customer: nil, projection: projection))
    return Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
}

/// The order summaries a clean run of `projection` over `events` produces, in a fresh read store.
func cleanRun(
    _ backend: any ReadStoreConformanceBackend,
    events: any EventStore,
    projection: OrderProjection = OrderProjection()
) async throws -> [String: OrderSummary] {
    let readStore = try await backend.makeReadStore()
    let head = try await events.headPosition()
    let runner = ProjectionRunner(store: events, readStore: readStore, projections: [projection], configuration: fastConfiguration())
    try await whileRunning(runner) { try await caughtUp(runner, [projection.name], to: head) }
    let summaries = try await orderSummaries(readStore, projection: projection.name)
    try await backend.dispose(readStore)
    return summaries
}

/// Runner settings for checks: small batches, retries with no waiting.
func fastConfiguration(batchSize: Int = 16, attempts: Int = 3, action: ProjectionFailurePolicy.Action = .park) -> ProjectionRunner.Configuration {
    var configuration = ProjectionRunner.Configuration()
    configuration.batchSize = batchSize
    configuration.failurePolicy = ProjectionFailurePolicy(
        retry: RetryPolicy(maximumAttempts: attempts, initialDelay: .milliseconds(1), maximumDelay: .milliseconds(2)),
        action: action
    )
    return configuration
}

/// Expects every event of every summary to have been applied once.
func expectAppliedOnce(_ summaries: [String: OrderSummary], sourceLocation: SourceLocation = #_sourceLocation) {
    for summary in summaries.values {
        #expect(Set(summary.applied).count == summary.applied.count, "\(summary.id) applied \(summary.applied)", sourceLocation: sourceLocation)
        #expect(summary.applied == summary.applied.sorted(), "\(summary.id) out of order: \(summary.applied)", sourceLocation: sourceLocation)
    }
}

/// The order summaries that applying every order event of `events` exactly once gives (OrderProjection at
/// version 1), worked out from the log itself rather than by a runner, so a check can state the exact state.
func ordersAppliedOnce(_ events: any EventStore) async throws -> [String: OrderSummary] {
    struct Placed: Decodable {
        var customer: String
        var amount: Int
    }
    var summaries: [String: OrderSummary] = [:]
    var position = GlobalPosition.start
    while true {
        let page = try await events.readAll(from: position, limit: 500, filter: .category("order"))
        for event in page {
            let key = event.stream.rawValue
            switch event.type {
            case "OrderPlaced":
                let placed = try JSONDecoder().decode(Placed.self, from: event.data)
                var summary = summaries[key] ?? OrderSummary(id: key, customer: placed.customer, status: "", amount: 0, applied: [])
                summary.customer = placed.customer
                summary.status = "placed"
                summary.amount += placed.amount
                summary.applied.append(event.position.value)
                summaries[key] = summary
            case "OrderShipped", "OrderCancelled":
                summaries[key]?.status = event.type == "OrderShipped" ? "shipped" : "cancelled"
                summaries[key]?.applied.append(event.position.value)
            default:
                break
            }
        }
        guard page.count == 500, let last = page.last else { return summaries }
        position = last.position.next
    }
}
