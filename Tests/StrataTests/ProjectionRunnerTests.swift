//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Logging
import MetricsTestKit
import ServiceLifecycle
import Strata
import StrataTestSupport
import Testing

private struct Opened: DomainEvent {
    static let eventType = "AccountOpened"
    var owner: String
}

private struct Deposited: DomainEvent {
    static let eventType = "AccountDeposited"
    var amount: Int
}

private struct Balance: Codable, Sendable, Equatable {
    var owner: String
    var balance: Int
}

/// Balances per account, from typed events decoded with an EventRegistry.
private struct Balances: Projection {
    let name = "balances"
    let codec = EventRegistry(Opened.self, Deposited.self)
    var filter: EventFilter { .category("account").eventTypes(codec.eventTypes) }
    var schema: ReadModelSchema { ReadModelSchema(collections: [DocumentCollection("balances", indexes: ["owner", "balance"])]) }

    func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws {
        let balances = try context.documents("balances", as: Balance.self)
        switch try codec.decode(event) {
        case let opened as Opened:
            try await balances.put(Balance(owner: opened.owner, balance: 0), key: event.stream.rawValue)
        case let deposit as Deposited:
            try await balances.updateIfPresent(event.stream.rawValue) { $0.balance += deposit.amount }
        default:
            break
        }
    }
}

private struct RichAccounts: Query {
    var minimum: Int
    var projections: [String] { ["balances"] }

    func run(on reader: ReadModelReader) async throws -> [String] {
        try await reader.documents("balances", of: "balances", as: Balance.self)
            .find(.where("balance", .greaterOrEqual, .integer(Int64(minimum))).sorted(by: "balance", descending: true))
            .map(\.owner)
    }
}

private func deposit(_ amount: Int) throws -> NewEvent {
    try EventRegistry(Deposited.self).newEvent(Deposited(amount: amount))
}

@Suite("Projection runner", .timeLimit(.minutes(5)))
struct ProjectionRunnerTests {
    @Test("a runner in a service group serves read-your-writes queries and stops on graceful shutdown")
    func gracefulShutdown() async throws {
        let store = InMemoryEventStore()
        let readStore = InMemoryReadStore()
        let runner = ProjectionRunner(store: store, readStore: readStore, projections: [Balances()])
        let queries = QueryHandler(readStore: readStore, progress: runner.progress, timeout: .seconds(10))
        let group = ServiceGroup(services: [runner], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let codec = EventRegistry(Opened.self, Deposited.self)
            for (index, owner) in ["ada", "bob", "cy"].enumerated() {
                let stream = StreamID(category: "account", id: owner)
                _ = try await store.append([try codec.newEvent(Opened(owner: owner))], to: stream, expecting: .noStream)
                let result = try await store.append([try deposit(100 * (index + 1))], to: stream, expecting: .any)
                let rich = try await queries.ask(RichAccounts(minimum: 150), minimumPosition: result.position)
                #expect(rich == Array(["bob", "cy"].prefix(index)).reversed())
            }
            #expect(try await runner.status(of: "balances").state == .live)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(try await runner.status(of: "balances").state == .stopped)
        #expect(try await runner.status(of: "balances").checkpoint == store.headPosition())
    }

    @Test("a runner stops when its task is cancelled, keeping its checkpoint")
    func cancellation() async throws {
        let store = InMemoryEventStore()
        let readStore = InMemoryReadStore()
        let runner = ProjectionRunner(store: store, readStore: readStore, projections: [Balances()])
        let head = try await store.append([try deposit(1)], to: "account-x", expecting: .any).position
        let task = Task { try await runner.run() }
        try await runner.progress.wait(for: ["balances"], through: head, timeout: .seconds(10))
        task.cancel()
        try await task.value
        #expect(try await runner.status(of: "balances").state == .stopped)
        #expect(try await runner.status(of: "balances").checkpoint == head)
    }

    @Test("progress wakes waiters when a projection passes their position, and times out otherwise")
    func progress() async throws {
        let progress = ProjectionProgress()
        progress.advance("a", to: 3)
        try await progress.wait(for: ["a"], through: 3, timeout: .zero)
        await #expect(throws: StaleReadModel(projection: "b", required: 1, reached: .start, timeout: .milliseconds(10))) {
            try await progress.wait(for: ["a", "b"], through: 1, timeout: .milliseconds(10))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await progress.wait(for: ["a"], through: 10, timeout: .seconds(10)) }
            progress.advance("a", to: 9)
            progress.advance("a", to: 10)
            try await group.waitForAll()
        }
    }

    @Test("retry delays grow by the multiplier up to the ceiling")
    func retryDelays() {
        let policy = RetryPolicy(maximumAttempts: 5, initialDelay: .milliseconds(100), multiplier: 2, maximumDelay: .milliseconds(350))
        #expect((1...4).map { policy.delay(after: $0) } == [.milliseconds(100), .milliseconds(200), .milliseconds(350), .milliseconds(350)])
        #expect(RetryPolicy(maximumAttempts: 0).maximumAttempts == 1)
    }

    @Test("physical names carry the generation and only safe characters")
    func names() {
        #expect(ReadModelNames.physicalName(projection: "Order-Summary", name: "by customer", generation: 3) == "order_summary__by_customer__g3")
        #expect(ReadModelNames.physicalName(projection: "Ordre-Été", name: "İD 9", generation: 1) == "ordre__t___i_d_9__g1")
        #expect(ReadModelTables(projection: "p", generation: 2)["t"] == "p__t__g2")
    }

    @Test("SQL values order like SQLite: null, numbers, text, blobs")
    func sqlValueOrder() {
        let values: [SQLValue] = ["b", .blob(Data([1])), 2.5, nil, 2, "a", -1]
        #expect(values.sorted() == [nil, -1, 2, 2.5, "a", "b", .blob(Data([1]))])
        #expect(DocumentCondition.Comparison.equal.holds(2, 2.0))
        #expect(!DocumentCondition.Comparison.equal.holds(nil, nil))
    }

    @Test("a read model without SQL refuses SQL migrations")
    func sqlUnsupported() async throws {
        struct Tables: Projection {
            let name = "tables"
            var schema: ReadModelSchema {
                ReadModelSchema(tables: ["t"], migrations: [SQLMigration(version: 1) { ["CREATE TABLE \($0["t"]) (x)"] }])
            }
            func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws {}
        }
        var configuration = ProjectionRunner.Configuration()
        configuration.failurePolicy.retry = RetryPolicy(maximumAttempts: 1)
        let runner = ProjectionRunner(
            store: InMemoryEventStore(), readStore: InMemoryReadStore(), projections: [Tables()], configuration: configuration)
        try await runner.run()
        let status = try await runner.status(of: "tables")
        #expect(status.state == .failed)
        #expect(status.lastError?.contains("no SQL") == true)
    }

    @Test("a runner reports checkpoint, lag, state and counts as swift-metrics")
    func metrics() async throws {
        let store = InMemoryEventStore()
        let metrics = TestMetrics()
        var configuration = ProjectionRunner.Configuration()
        configuration.metricsFactory = metrics
        let runner = ProjectionRunner(store: store, readStore: InMemoryReadStore(), projections: [Balances()], configuration: configuration)
        let codec = EventRegistry(Opened.self, Deposited.self)
        _ = try await store.append([try codec.newEvent(Opened(owner: "ada"))], to: "account-ada", expecting: .noStream)
        _ = try await store.append([try deposit(5), try deposit(7)], to: "account-ada", expecting: .any)
        // An event the projection does not handle still moves the checkpoint, but is not applied.
        let head = try await store.append([NewEvent(type: "Audited", data: Data("{}".utf8))], to: "audit-1", expecting: .any).position
        let dimensions = [("projection", "balances")]
        let task = Task { try await runner.run() }
        try await runner.progress.wait(for: ["balances"], through: head, timeout: .seconds(10))
        try await eventually("the state gauge to read live") {
            try metrics.expectGauge("strata_projection_state", dimensions + [("state", "live")]).lastValue == 1
        }
        #expect(try metrics.expectGauge("strata_projection_checkpoint", dimensions).lastValue == Double(head.value))
        #expect(try metrics.expectGauge("strata_projection_lag_events", dimensions).lastValue == 0)
        #expect(try metrics.expectGauge("strata_projection_lag_seconds", dimensions).lastValue == 0)
        #expect(try metrics.expectCounter("strata_projection_events_applied_total", dimensions).totalValue == 3)
        #expect(try metrics.expectGauge("strata_projection_state", dimensions + [("state", "catchingUp")]).lastValue == 0)
        task.cancel()
        try await task.value
        #expect(try metrics.expectGauge("strata_projection_state", dimensions + [("state", "stopped")]).lastValue == 1)
        #expect(try metrics.expectGauge("strata_projection_state", dimensions + [("state", "live")]).lastValue == 0)
    }

    @Test("a runner waits in standby for a lease another runner holds, and stops from there on cancellation")
    func standby() async throws {
        let store = InMemoryEventStore()
        let readStore = InMemoryReadStore()
        let leases = LocalProjectionLeases()
        var configuration = ProjectionRunner.Configuration()
        configuration.leases = leases
        let holder = ProjectionRunner(store: store, readStore: readStore, projections: [Balances()], configuration: configuration)
        let waiter = ProjectionRunner(store: store, readStore: readStore, projections: [Balances()], configuration: configuration)
        let holding = Task { try await holder.run() }
        try await eventually("the holder to run live") { try await holder.status(of: "balances").state == .live }
        let waiting = Task { try await waiter.run() }
        try await eventually("the waiter to stand by") { try await waiter.status(of: "balances").state == .standby }
        waiting.cancel()
        try await waiting.value
        #expect(try await waiter.status(of: "balances").state == .stopped)
        #expect(leases.isHeld("balances"), "the holder keeps its lease")
        holding.cancel()
        try await holding.value
        #expect(!leases.isHeld("balances"), "a stopped runner releases its lease")
    }
}
