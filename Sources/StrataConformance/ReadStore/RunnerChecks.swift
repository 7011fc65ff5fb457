//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

enum RunnerChecks {
    static let all: [ReadStoreConformanceCheck] = [
        ReadStoreConformanceCheck("status reports state, checkpoint, head, lag, errors and parked events", status),
        ReadStoreConformanceCheck("several projections run side by side, each with its own checkpoint, and fail alone", sideBySide),
    ]

    static func status(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let head = try await OrderEvents.appendHistory(to: events, orders: 3)
            let faults = Faults()
            faults.fail(at: 1)
            let runner = ProjectionRunner(
                store: events,
                readStore: readStore,
                projections: [OrderProjection(faults: faults)],
                configuration: fastConfiguration(attempts: 1)
            )
            let idle = try await runner.status(of: "orders")
            #expect(idle.state == .stopped)
            #expect(idle.checkpoint == .start)
            #expect(idle.head == head)
            #expect(idle.lagEvents == head.value)
            #expect(idle.lagSeconds >= 0)
            #expect(idle.parkedCount == 0)
            #expect(idle.version == 1)
            try await Task.sleep(for: .milliseconds(20))
            #expect(try await runner.status(of: "orders").lagSeconds >= 0.02, "the oldest unprocessed event has waited")
            try await whileRunning(runner) {
                try await caughtUp(runner, to: head)
                // The checkpoint reaches the head a moment before the state turns live.
                try await eventually("the projection to turn live") { try await runner.status(of: "orders").state == .live }
                let live = try await runner.status(of: "orders")
                #expect(live.state == .live)
                #expect(live.checkpoint == head)
                #expect(live.lagEvents == 0)
                #expect(live.lagSeconds == 0)
                #expect(live.parkedCount == 2)
                #expect(live.generation == 1)
                #expect(live.lastError?.contains("injected fault at position 1") == true)
                #expect(try await runner.statuses().map(\.name) == ["orders"])
            }
            #expect(try await runner.status(of: "orders").state == .stopped)
            await #expect(throws: ReadStoreError.self) { _ = try await runner.status(of: "nope") }
        }
    }

    static func sideBySide(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let head = try await OrderEvents.appendHistory(to: events, orders: 6)
            let faults = Faults()
            faults.fail(at: 1)
            var stopping = ProjectionFailurePolicy(retry: RetryPolicy(maximumAttempts: 1), action: .stop)
            stopping.keepsStreamOrder = true
            let runner = ProjectionRunner(
                store: events,
                readStore: readStore,
                projections: [
                    OrderProjection(),
                    OrderProjection(name: "orders-copy"),
                    EventCounter(),
                    OrderProjection(name: "orders-failing", faults: faults, failurePolicy: stopping),
                ],
                configuration: fastConfiguration(batchSize: 5)
            )
            try await whileRunning(runner) {
                // Four projections share one read store's writer: on a loaded machine catching up takes a while.
                try await caughtUp(runner, ["orders", "orders-copy", "event-counter"], to: head, seconds: 30)
                try await eventually("the failing projection to stop") { try await runner.status(of: "orders-failing").state == .failed }
                let more = try await events.append([OrderEvents.placed(customer: "z", amount: 3)], to: "order-more", expecting: .noStream)
                try await caughtUp(runner, ["orders", "orders-copy", "event-counter"], to: more.position)
                let statuses = try await runner.statuses()
                #expect(statuses.map(\.name) == ["orders", "orders-copy", "event-counter", "orders-failing"])
                #expect(statuses.map(\.checkpoint) == [more.position, more.position, more.position, .start])
                #expect(statuses.map(\.state) == [.live, .live, .live, .failed])
            }
            let original = try await orderSummaries(readStore)
            #expect(original.count == 7)
            #expect(try await orderSummaries(readStore, projection: "orders-copy") == original)
            let counts = try await readStore.withReader { reader in
                try await DocumentReader<[String: Int]>(collection: "event_counter__counts__g1", reader: reader).get("all")
            }
            #expect(counts == ["OrderPlaced": 7, "CustomerRegistered": 6, "OrderShipped": 4, "OrderCancelled": 2])
            #expect(try await orderSummaries(readStore, projection: "orders-failing").isEmpty)
        }
    }
}
