//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import MetricsTestKit
import Strata
import Testing

private struct Credited: DomainEvent {
    static let eventType = "Credited"
    var amount: Int
}

/// Sums `Credited` amounts per stream, and lists the positions it applied.
private struct Credits: EventProjection {
    let name = "credits"
    var unknownEvents = UnknownEventPolicy.fail
    let codec = EventRegistry(Credited.self)
    var schema: ReadModelSchema { ReadModelSchema(collections: [DocumentCollection("totals")]) }

    struct Total: Codable, Sendable, Equatable {
        var amount = 0
        var positions: [UInt64] = []
    }

    func apply(_ event: any DomainEvent, recorded: RecordedEvent, in context: ProjectionContext) async throws {
        guard let credited = event as? Credited else { return }
        try await context.documents("totals", as: Total.self).update(recorded.stream.rawValue, default: Total()) {
            $0.amount += credited.amount
            $0.positions.append(recorded.position.value)
        }
    }
}

@Suite("Event projections", .timeLimit(.minutes(2)))
struct EventProjectionTests {
    /// Ten credits and an event of a type the codec does not know, at position 6, in batches of three.
    private func runCredits(_ projection: Credits) async throws -> (totals: [String: Credits.Total], parked: [ParkedEvent]) {
        let store = InMemoryEventStore()
        let readStore = InMemoryReadStore()
        let codec = EventRegistry(Credited.self)
        for index in 1...10 {
            if index == 6 {
                _ = try await store.append([NewEvent(type: "Refunded", data: Data("{}".utf8))], to: "account-a", expecting: .any)
            }
            let stream: StreamID = index.isMultiple(of: 2) ? "account-a" : "account-b"
            _ = try await store.append([try codec.newEvent(Credited(amount: index))], to: stream, expecting: .any)
        }
        var configuration = ProjectionRunner.Configuration()
        configuration.batchSize = 3
        configuration.failurePolicy = ProjectionFailurePolicy(retry: RetryPolicy(maximumAttempts: 1, initialDelay: .zero), action: .park)
        let runner = ProjectionRunner(store: store, readStore: readStore, projections: [projection], configuration: configuration)
        let task = Task { try await runner.run() }
        defer { task.cancel() }
        try await runner.progress.wait(for: ["credits"], through: try await store.headPosition(), timeout: .seconds(20))
        let totals = try await readStore.withReader { reader in
            try await ReadModelReader(store: reader).documents("totals", of: "credits", as: Credits.Total.self).findWithKeys()
        }
        return (Dictionary(uniqueKeysWithValues: totals.map { ($0.key, $0.document) }), try await runner.parkedEvents(of: "credits"))
    }

    @Test("events arrive decoded, each once and in order, across batches read ahead")
    func decodedInOrder() async throws {
        let (totals, _) = try await runCredits(Credits(unknownEvents: .skip))
        #expect(totals["account-a"] == Credits.Total(amount: 2 + 4 + 6 + 8 + 10, positions: [2, 4, 7, 9, 11]))
        #expect(totals["account-b"] == Credits.Total(amount: 1 + 3 + 5 + 7 + 9, positions: [1, 3, 5, 8, 10]))
    }

    @Test("an unknown event type is skipped when the projection says so, and parked by default")
    func unknownTypes() async throws {
        let skipping = try await runCredits(Credits(unknownEvents: .skip))
        #expect(skipping.parked.isEmpty)
        let failing = try await runCredits(Credits())
        #expect(failing.parked.map(\.event.position) == [6, 7, 9, 11], "with the later events of its stream, held back in order")
        #expect(failing.parked.first?.error.contains("unknown event type 'Refunded'") == true)
        #expect(failing.totals["account-b"]?.positions == [1, 3, 5, 8, 10], "the other stream goes on")
    }

    @Test("batches end at the byte budget: large events make small batches, each event applied once and in order")
    func byteBudget() async throws {
        let store = InMemoryEventStore()
        // Each event's data is about 400 bytes; the one at position 5 alone passes the budget.
        for index in 1...9 {
            let padding = String(repeating: "x", count: index == 5 ? 3_000 : 380)
            let data = Data(#"{"amount":\#(index),"padding":"\#(padding)"}"#.utf8)
            _ = try await store.append([NewEvent(type: Credited.eventType, data: data)], to: "account-a", expecting: .any)
        }
        let metrics = TestMetrics()
        var configuration = ProjectionRunner.Configuration()
        configuration.batchSize = 100
        configuration.batchBytes = 1_000
        configuration.metricsFactory = metrics
        let readStore = InMemoryReadStore()
        let runner = ProjectionRunner(store: store, readStore: readStore, projections: [Credits()], configuration: configuration)
        let task = Task { try await runner.run() }
        defer { task.cancel() }
        try await runner.progress.wait(for: ["credits"], through: try await store.headPosition(), timeout: .seconds(20))
        let applied = try metrics.expectCounter("strata_projection_events_applied_total", [("projection", "credits")]).values
        #expect(applied == [2, 2, 1, 2, 2], "batches of the events that fit in 1,000 bytes, the large one alone")
        let total = try await readStore.withReader { reader in
            try await ReadModelReader(store: reader).documents("totals", of: "credits", as: Credits.Total.self).get("account-a")
        }
        #expect(total == Credits.Total(amount: 45, positions: Array(1...9)))
    }
}
