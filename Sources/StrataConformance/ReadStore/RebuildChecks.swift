//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

enum RebuildChecks {
    static let all: [ReadStoreConformanceCheck] = [
        ReadStoreConformanceCheck("a rebuild is built beside the live read model, which answers queries until an atomic switch", rebuildBeside),
        ReadStoreConformanceCheck("queries all through a rebuild see the whole old read model or the whole new one, never a mix", atomicSwitch),
        ReadStoreConformanceCheck("a new code version is rebuilt from the start when configured, or kept when not", versionChange),
        ReadStoreConformanceCheck("a checkpoint can be reset to a position", reset),
    ]

    static func rebuildBeside(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let head = try await OrderEvents.appendHistory(to: events, orders: 9)
            let gate = Gate()
            let runner = ProjectionRunner(
                store: events,
                readStore: readStore,
                projections: [OrderProjection(gate: gate)],
                configuration: fastConfiguration(batchSize: 4)
            )
            let queries = QueryHandler(readStore: readStore, progress: runner.progress, timeout: .seconds(10))
            try await whileRunning(runner) {
                try await caughtUp(runner, to: head)
                let before = try await orderSummaries(readStore)
                let forCustomer = try await queries.ask(OrdersQuery(customer: "c1"), minimumPosition: head)
                // A handler that last read generation 1 and is never given a token, so nothing tells it of the switch.
                let untold = QueryHandler(readStore: readStore, progress: nil)
                #expect(try await untold.ask(OrdersQuery(customer: "c1")) == forCustomer)
                try await runner.rebuild("orders")
                try await eventually("the rebuild to start") { gate.isReached }
                let status = try await runner.status(of: "orders")
                #expect(status.state == .rebuilding)
                #expect(status.generation == 1)
                #expect(status.checkpoint == head)
                // Mid-rebuild, queries (read-your-writes ones too) are answered in full from generation 1.
                #expect(try await orderSummaries(readStore) == before)
                #expect(try await queries.ask(OrdersQuery(customer: "c1"), minimumPosition: head) == forCustomer)
                gate.openGate()
                try await eventually("the switch") { try await runner.status(of: "orders").generation == 2 }
                #expect(try await orderSummaries(readStore) == before, "an unchanged projection rebuilds the same read model")
                #expect(try await queries.ask(OrdersQuery(customer: "c1"), minimumPosition: head) == forCustomer)
                #expect(try await untold.ask(OrdersQuery(customer: "c1")) == forCustomer, "finds generation 1 gone and reads generation 2")
                let after = try await runner.status(of: "orders")
                #expect(after.rebuildCheckpoint == nil)
                #expect(after.checkpoint == head)
                // The old generation is gone.
                await #expect(throws: ReadStoreError.self) {
                    try await readStore.withReader { try await $0.document(key: "order-o1", in: "orders__orders__g1") }
                }
                // Live events go on to the new generation.
                let next = try await events.append([OrderEvents.placed(customer: "c9", amount: 5)], to: "order-late", expecting: .noStream)
                #expect(try await queries.ask(OrdersQuery(customer: "c9"), minimumPosition: next.position).map(\.amount) == [5])
                #expect(try await untold.ask(OrdersQuery(customer: "c9")).map(\.amount) == [5])
            }
        }
    }

    static func atomicSwitch(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let head = try await OrderEvents.appendHistory(to: events, orders: 12)
            let first = ProjectionRunner(store: events, readStore: readStore, projections: [OrderProjection()], configuration: fastConfiguration())
            try await whileRunning(first) { try await caughtUp(first, to: head) }
            let old = try await orderSummaries(readStore)
            // Version 2 upper-cases statuses: every sample tells which read model it came from.
            let new = try await cleanRun(backend, events: events, projection: OrderProjection(version: 2))
            #expect(old != new)
            let gate = Gate()
            // Small batches: the rebuild takes many transactions, each a chance for a query to see it half-done.
            let rebuilding = ProjectionRunner(
                store: events,
                readStore: readStore,
                projections: [OrderProjection(version: 2, gate: gate)],
                configuration: fastConfiguration(batchSize: 2)
            )
            let samples = try await whileRunning(rebuilding) {
                var samples: [[String: OrderSummary]] = []
                try await eventually("the rebuild to start") { gate.isReached }
                samples.append(try await orderSummaries(readStore))
                gate.openGate()
                let deadline = ContinuousClock.now.advanced(by: .seconds(20))
                while try await rebuilding.status(of: "orders").generation < 2 {
                    guard ContinuousClock.now < deadline else { throw DeadlineExceeded(what: "the switch to generation 2") }
                    samples.append(try await orderSummaries(readStore))
                }
                samples.append(try await orderSummaries(readStore))
                return samples
            }
            #expect(samples.first == old, "before the switch, the old read model")
            #expect(samples.last == new, "after the switch, the new read model")
            for (index, sample) in samples.enumerated() where sample != old && sample != new {
                Issue.record("sample \(index) of \(samples.count) is neither read model: \(sample.count) orders")
            }
        }
    }

    static func versionChange(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let head = try await OrderEvents.appendHistory(to: events, orders: 6)
            let first = ProjectionRunner(store: events, readStore: readStore, projections: [OrderProjection()], configuration: fastConfiguration())
            try await whileRunning(first) { try await caughtUp(first, to: head) }
            #expect(try await orderSummaries(readStore)["order-o0"]?.status == "shipped")

            var keeping = fastConfiguration()
            keeping.rebuildOnVersionChange = false
            let kept = ProjectionRunner(store: events, readStore: readStore, projections: [OrderProjection(version: 2)], configuration: keeping)
            try await whileRunning(kept) { try await caughtUp(kept, to: head) }
            #expect(try await kept.status(of: "orders").generation == 1)
            #expect(try await orderSummaries(readStore)["order-o0"]?.status == "shipped", "the read model is kept as it was")

            let rebuilding = ProjectionRunner(
                store: events,
                readStore: readStore,
                projections: [OrderProjection(version: 3)],
                configuration: fastConfiguration()
            )
            try await whileRunning(rebuilding) {
                try await eventually("the rebuild of version 3") { try await rebuilding.status(of: "orders").generation == 2 }
            }
            let summaries = try await orderSummaries(readStore)
            #expect(summaries["order-o0"]?.status == "SHIPPED")
            #expect(summaries["order-o2"]?.status == "CANCELLED")
            #expect(summaries.count == 6)
            expectAppliedOnce(summaries)
            let record = try await readStore.withReader { try await $0.projectionRecord(named: "orders") }
            #expect(record?.active.version == 3)
            #expect(record?.active.position == head)
        }
    }

    static func reset(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let head = try await OrderEvents.appendHistory(to: events, orders: 4)
            let counter = EventCounter()
            let runner = ProjectionRunner(store: events, readStore: readStore, projections: [counter], configuration: fastConfiguration())
            try await whileRunning(runner) {
                try await caughtUp(runner, ["event-counter"], to: head)
                try await runner.reset("event-counter", to: GlobalPosition(head.value - 2))
                try await eventually("the reset to be re-applied") {
                    let counts = try await readStore.withReader { reader in
                        try await DocumentReader<[String: Int]>(collection: "event_counter__counts__g1", reader: reader).get("all")
                    }
                    return counts?.values.reduce(0, +) == Int(head.value) + 2
                }
                #expect(try await runner.status(of: "event-counter").checkpoint == head)
            }
        }
    }
}
