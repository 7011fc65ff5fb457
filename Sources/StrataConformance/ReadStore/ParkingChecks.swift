//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

enum ParkingChecks {
    static let all: [ReadStoreConformanceCheck] = [
        ReadStoreConformanceCheck("a failing event is retried, then parked with later events of its stream; others go on; replay", parkAndReplay),
        ReadStoreConformanceCheck("without stream order, only the failing event is parked", unordered),
        ReadStoreConformanceCheck("an event that does not decode is parked at its place; the events around it apply once", undecodable),
    ]

    static func parkAndReplay(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            // Order o1: placed at 3, shipped at 26. Order o2: placed at 5 (fails twice, then succeeds).
            let head = try await OrderEvents.appendHistory(to: events, orders: 12)
            let expected = try await cleanRun(backend, events: events)
            let faults = Faults()
            faults.fail(at: 3)
            faults.fail(at: 5, times: 2)
            let runner = ProjectionRunner(
                store: events,
                readStore: readStore,
                projections: [OrderProjection(faults: faults)],
                configuration: fastConfiguration(batchSize: 8, attempts: 3)
            )
            let queries = QueryHandler(readStore: readStore, progress: runner.progress)
            try await whileRunning(runner) {
                try await caughtUp(runner, to: head)
                let parked = try await runner.parkedEvents(of: "orders")
                #expect(parked.map(\.event.position) == [3, 26])
                #expect(parked.map(\.attempts) == [3, 0])
                #expect(parked.allSatisfy { $0.event.stream == "order-o1" })
                #expect(parked.first?.error.contains("injected fault at position 3") == true)
                #expect(parked.first?.event.type == "OrderPlaced")
                #expect(parked.first?.event.data == OrderEvents.placed(customer: "c1", amount: 20).data)
                // The checkpoint reaches the head a moment before the state turns live.
                try await eventually("the projection to turn live") { try await runner.status(of: "orders").state == .live }
                let status = try await runner.status(of: "orders")
                #expect(status.parkedCount == 2)
                #expect(status.state == .live)
                var summaries = try await orderSummaries(readStore)
                #expect(summaries["order-o1"] == nil)
                #expect(summaries["order-o2"] == expected["order-o2"], "retried to success")
                #expect(summaries.count == 11)

                // A later event of the parked stream is parked too, in order.
                let late = try await events.append([OrderEvents.cancelled()], to: "order-o1", expecting: .any)
                _ = try await queries.ask(OrdersQuery(customer: nil), minimumPosition: late.position)
                #expect(try await runner.parkedEvents(of: "orders").map(\.event.position) == [3, 26, late.position])

                // Still failing: replay keeps all three, counts the attempt, and applies none out of order.
                let stuck = try await runner.replayParked("orders")
                #expect(stuck.replayed == 0 && stuck.stillParked == 3)
                #expect(try await runner.parkedEvents(of: "orders").map(\.attempts) == [4, 0, 0])

                faults.heal()
                let replay = try await runner.replayParked("orders")
                #expect(replay.replayed == 3 && replay.stillParked == 0)
                summaries = try await orderSummaries(readStore)
                #expect(summaries["order-o1"]?.applied == [3, 26, late.position.value])
                #expect(summaries["order-o1"]?.status == "cancelled")
                expectAppliedOnce(summaries)
                #expect(try await runner.status(of: "orders").parkedCount == 0)

                // The stream is free again: its next events are applied live.
                let again = try await events.append([OrderEvents.shipped()], to: "order-o1", expecting: .any)
                let after = try await queries.ask(OrdersQuery(customer: "c1"), minimumPosition: again.position)
                #expect(after.first { $0.id == "order-o1" }?.status == "shipped")
            }
        }
    }

    static func unordered(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let head = try await OrderEvents.appendHistory(to: events, orders: 4)
            let faults = Faults()
            faults.fail(at: 3)
            var policy = ProjectionFailurePolicy(retry: RetryPolicy(maximumAttempts: 2, initialDelay: .zero), action: .park)
            policy.keepsStreamOrder = false
            let runner = ProjectionRunner(
                store: events,
                readStore: readStore,
                projections: [OrderProjection(faults: faults, failurePolicy: policy)],
                configuration: fastConfiguration()
            )
            try await whileRunning(runner) { try await caughtUp(runner, to: head) }
            #expect(try await runner.parkedEvents(of: "orders").map(\.event.position) == [3])
            #expect(try await runner.status(of: "orders").lastError?.contains("injected fault") == true)
            #expect(try await orderSummaries(readStore).count == 3)
        }
    }

    static func undecodable(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            // Full batches of four, so the runner decodes each next batch while the one before commits.
            try await OrderEvents.appendHistory(to: events, orders: 6)
            let broken = try await events.append(
                [NewEvent(type: "OrderPlaced", data: Data(#"{"customer":7}"#.utf8))],
                to: StreamID(category: "order", id: "broken"),
                expecting: .noStream
            )
            let head = try await OrderEvents.appendHistory(to: events, orders: 6, prefix: "p")
            let runner = ProjectionRunner(
                store: events,
                readStore: readStore,
                projections: [OrderProjection()],
                configuration: fastConfiguration(batchSize: 4, attempts: 2)
            )
            try await whileRunning(runner) { try await caughtUp(runner, to: head) }
            let parked = try await runner.parkedEvents(of: "orders")
            #expect(parked.map(\.event.position) == [broken.position])
            #expect(parked.first?.attempts == 2)
            #expect(parked.first?.error.contains("OrderPlaced") == true, "the error names the type that did not decode")
            let summaries = try await orderSummaries(readStore)
            #expect(summaries.count == 12)
            #expect(summaries["order-broken"] == nil)
            #expect(summaries.values.allSatisfy { $0.applied.count == 2 }, "each order's two events applied once: \(summaries)")
            expectAppliedOnce(summaries)
        }
    }
}
