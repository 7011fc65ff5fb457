//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

enum ExactlyOnceChecks {
    static let all: [ReadStoreConformanceCheck] = [
        ReadStoreConformanceCheck("a handler crash in mid-batch loses nothing: a new runner resumes, every event applied once", handlerCrash),
        ReadStoreConformanceCheck("a crash between the read-model writes and the commit leaves no trace, at any batch", commitCrash),
        ReadStoreConformanceCheck("a commit that succeeded but reported failure is not applied twice", lostAcknowledgement),
        ReadStoreConformanceCheck("a restarted runner resumes from the stored checkpoint", restart),
    ]

    static func handlerCrash(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let head = try await OrderEvents.appendHistory(to: events, orders: 12)
            let expected = try await cleanRun(backend, events: events)
            // Order events are at odd positions up to 23, then at every position: crash points fall at the start,
            // the middle and the end of batches of 5.
            for crashAt in [UInt64(3), 15, 23, 33] where crashAt <= head.value {
                let faults = Faults()
                faults.fail(at: GlobalPosition(crashAt))
                let crashing = ProjectionRunner(
                    store: events,
                    readStore: readStore,
                    projections: [OrderProjection(faults: faults)],
                    configuration: fastConfiguration(batchSize: 5, attempts: 1, action: .stop)
                )
                try await whileRunning(crashing) {
                    try await eventually("the projection to fail at \(crashAt)") { try await crashing.status(of: "orders").state == .failed }
                }
                let status = try await crashing.status(of: "orders")
                #expect(status.checkpoint == GlobalPosition(crashAt - 1), "stopped just before \(crashAt)")
                #expect(status.lastError?.contains("injected fault") == true)
                let partial = try await orderSummaries(readStore)
                expectAppliedOnce(partial)
                #expect(partial.values.allSatisfy { $0.applied.allSatisfy { $0 < crashAt } })
            }
            let resumed = ProjectionRunner(store: events, readStore: readStore, projections: [OrderProjection()], configuration: fastConfiguration())
            try await whileRunning(resumed) { try await caughtUp(resumed, to: head) }
            let final = try await orderSummaries(readStore)
            expectAppliedOnce(final)
            #expect(final == expected)
        }
    }

    static func commitCrash(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, _ in
            let head = try await OrderEvents.appendHistory(to: events, orders: 10)
            let expected = try await ordersAppliedOnce(events)
            #expect(try await cleanRun(backend, events: events) == expected)
            // Transaction 1 registers the projection; 2 to 6 apply the five batches of four order events.
            for crashAt in [2, 3, 4, 6] {
                let readStore = try await backend.makeReadStore()
                let crashing = CrashingReadStore(readStore, at: .beforeCommit, firstCrash: crashAt)
                let runner = ProjectionRunner(
                    store: events,
                    readStore: crashing,
                    projections: [OrderProjection()],
                    configuration: fastConfiguration(batchSize: 4, attempts: 2)
                )
                try await whileRunning(runner) {
                    try await eventually("the read store to crash") { try await runner.status(of: "orders").state == .failed }
                    // Two attempts at the batch, then the (equally crashing) transaction that records the failure,
                    // which comes a moment after the state turns failed; a runner cancelled before it skips it.
                    try await eventually("the failure to be recorded") { crashing.crashes >= 3 }
                }
                #expect(crashing.crashes == 3, "the crashed transaction was retried once")
                // Every batch before the crashed one, and nothing of it: OrderProjection adds to what is there, so a
                // trace of the crashed batch would show as an amount or a position too many after the resume.
                let partial = try await orderSummaries(readStore)
                expectAppliedOnce(partial)
                let kept = partial.values.flatMap(\.applied).sorted()
                #expect(kept == expected.values.flatMap(\.applied).sorted().prefix(4 * (crashAt - 2)).map { $0 }, "crash at transaction \(crashAt)")
                let resumed = ProjectionRunner(
                    store: events, readStore: readStore, projections: [OrderProjection()], configuration: fastConfiguration())
                try await whileRunning(resumed) { try await caughtUp(resumed, to: head) }
                #expect(try await orderSummaries(readStore) == expected, "crash at transaction \(crashAt)")
                try await backend.dispose(readStore)
            }
        }
    }

    static func lostAcknowledgement(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let head = try await OrderEvents.appendHistory(to: events, orders: 8)
            let expected = try await ordersAppliedOnce(events)
            // Transaction 1 registers the projection, 2 applies the first batch; 3 applies the second and is
            // reported lost, and so is the retry (4). OrderProjection adds to what is there, so applying a batch
            // again would double amounts and list positions twice.
            let crashing = CrashingReadStore(readStore, at: .afterCommit, firstCrash: 3, crashCount: 2)
            let runner = ProjectionRunner(
                store: events,
                readStore: crashing,
                projections: [OrderProjection()],
                configuration: fastConfiguration(batchSize: 3, attempts: 4)
            )
            try await whileRunning(runner) { try await caughtUp(runner, to: head) }
            #expect(crashing.crashes == 2)
            let final = try await orderSummaries(readStore)
            expectAppliedOnce(final)
            #expect(final == expected)
        }
    }

    static func restart(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let first = try await OrderEvents.appendHistory(to: events, orders: 5, prefix: "a")
            let runner = ProjectionRunner(store: events, readStore: readStore, projections: [OrderProjection()], configuration: fastConfiguration())
            try await whileRunning(runner) { try await caughtUp(runner, to: first) }
            let reopened = try await backend.reopen(readStore)
            let second = try await OrderEvents.appendHistory(to: events, orders: 5, prefix: "b")
            let faults = Faults()
            let resumed = ProjectionRunner(
                store: events,
                readStore: reopened,
                projections: [OrderProjection(faults: faults)],
                configuration: fastConfiguration()
            )
            #expect(try await resumed.status(of: "orders").checkpoint == first)
            try await whileRunning(resumed) { try await caughtUp(resumed, to: second) }
            #expect(faults.calls == 10, "only the new order events were applied")
            let summaries = try await orderSummaries(reopened)
            #expect(summaries.count == 10)
            expectAppliedOnce(summaries)
            try await backend.dispose(reopened)
        }
    }
}
