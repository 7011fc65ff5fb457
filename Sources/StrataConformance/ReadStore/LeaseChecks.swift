//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

enum LeaseChecks {
    static let all: [ReadStoreConformanceCheck] = [
        ReadStoreConformanceCheck("with leases, one of two runners runs a projection and the other waits in standby", standby),
        ReadStoreConformanceCheck("when the lease holder stops or loses its lease, the other runner takes over and applies nothing twice", takeover),
        ReadStoreConformanceCheck("the registry records what the runner reports: state, node and last error", reports),
        ReadStoreConformanceCheck(
            "a holder that lost its lease unawares has its in-flight batch refused once the next holder has committed",
            staleHolder
        ),
    ]

    static func configuration(_ leases: LocalProjectionLeases, node: String) -> ProjectionRunner.Configuration {
        var configuration = fastConfiguration(batchSize: 4)
        configuration.leases = leases
        configuration.nodeName = node
        return configuration
    }

    static func standby(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let head = try await OrderEvents.appendHistory(to: events, orders: 4)
            let leases = LocalProjectionLeases()
            let first = ProjectionRunner(
                store: events, readStore: readStore, projections: [OrderProjection()], configuration: configuration(leases, node: "a"))
            let second = ProjectionRunner(
                store: events, readStore: readStore, projections: [OrderProjection()], configuration: configuration(leases, node: "b"))
            try await whileRunning(first) {
                try await caughtUp(first, to: head)
                try await eventually("the first runner to turn live") { try await first.status(of: "orders").state == .live }
                try await whileRunning(second) {
                    try await eventually("the second runner to wait") { try await second.status(of: "orders").state == .standby }
                    let more = try await events.append([OrderEvents.placed(customer: "late", amount: 5)], to: "order-late", expecting: .noStream)
                    try await caughtUp(first, to: more.position)
                    #expect(try await second.status(of: "orders").state == .standby, "the waiting runner applies nothing")
                    let report = try await readStore.withReader { try await $0.projectionRecord(named: "orders")?.report }
                    #expect(report?.node == "a")
                }
            }
            expectAppliedOnce(try await orderSummaries(readStore))
        }
    }

    static func takeover(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let leases = LocalProjectionLeases()
            let first = ProjectionRunner(
                store: events,
                readStore: readStore,
                projections: [OrderProjection(), EventCounter()],
                configuration: configuration(leases, node: "a")
            )
            let second = ProjectionRunner(
                store: events,
                readStore: readStore,
                projections: [OrderProjection(), EventCounter()],
                configuration: configuration(leases, node: "b")
            )
            let names = ["orders", "event-counter"]
            _ = try await OrderEvents.appendHistory(to: events, orders: 3)
            let firstRun = Task { try await first.run() }
            defer { firstRun.cancel() }
            try await eventually("the first runner to hold the leases") {
                try await first.statuses().allSatisfy { $0.state == .live || $0.state == .catchingUp }
            }
            try await whileRunning(second) {
                try await eventually("the second runner to wait") { try await second.statuses().allSatisfy { $0.state == .standby } }
                // Appends go on while the holder stops, so that the survivor takes over in the middle of the work.
                async let appending = OrderEvents.appendHistory(to: events, orders: 3, prefix: "during")
                firstRun.cancel()
                _ = await firstRun.result
                var head = try await appending
                head = try await OrderEvents.appendHistory(to: events, orders: 3, prefix: "after")
                try await caughtUp(second, names, to: head)
                // The checkpoint reaches the head a moment before the state turns live.
                try await eventually("the survivor to run live") { try await second.status(of: "orders").state == .live }
                // Revoking takes the lease away mid-run, as a broken database connection would; the runner waits for it
                // again and, holding it once more, resumes from the checkpoint.
                leases.revoke("orders")
                leases.revoke("event-counter")
                head = try await OrderEvents.appendHistory(to: events, orders: 2, prefix: "revoked")
                try await caughtUp(second, names, to: head)
                try await eventually("the runner to run again") { try await second.status(of: "orders").state == .live }
            }
            let summaries = try await orderSummaries(readStore)
            expectAppliedOnce(summaries)
            #expect(summaries == (try await cleanRun(backend, events: events)), "identical to a single uninterrupted run")
            let counts = try await readStore.withReader { reader in
                try await DocumentReader<[String: Int]>(collection: "event_counter__counts__g1", reader: reader).get("all")
            }
            let logged = try await events.readAll(from: .start, limit: 10_000, filter: .all)
            #expect(counts.map { $0.values.reduce(0, +) } == logged.count, "every event counted exactly once")
        }
    }

    static func staleHolder(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let head = try await OrderEvents.appendHistory(to: events, orders: 4)
            let expected = try await ordersAppliedOnce(events)
            // The stale holder reads its first batch and stalls there (a long pause, a slow network), long enough
            // for its lease to lapse and another runner to take the projection over. Neither uses a lease object:
            // what is checked is the fence in the registry, which holds whatever the lease implementation does.
            let stalling = StallingEventStore(events)
            let stale = ProjectionRunner(
                store: stalling, readStore: readStore, projections: [OrderProjection()], configuration: fastConfiguration(batchSize: 4))
            let staleRun = Task { try await stale.run() }
            defer { staleRun.cancel() }
            try await eventually("the stale holder to have a batch in hand") { stalling.isStalled }
            let successor = ProjectionRunner(
                store: events, readStore: readStore, projections: [OrderProjection()], configuration: fastConfiguration(batchSize: 4))
            try await whileRunning(successor) { try await caughtUp(successor, to: head) }
            #expect(try await orderSummaries(readStore) == expected)
            // Its batch is now behind the registry: committing it must write nothing, and the holder carry on
            // from the successor's checkpoint.
            stalling.resume()
            try await caughtUp(stale, to: head)
            staleRun.cancel()
            _ = await staleRun.result
            let final = try await orderSummaries(readStore)
            expectAppliedOnce(final)
            #expect(final == expected, "the stale batch was applied again")
        }
    }

    static func reports(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let head = try await OrderEvents.appendHistory(to: events, orders: 2)
            let faults = Faults()
            faults.fail(at: 1)
            var configuration = fastConfiguration(attempts: 1)
            configuration.nodeName = "node-7"
            let runner = ProjectionRunner(
                store: events, readStore: readStore, projections: [OrderProjection(faults: faults)], configuration: configuration)
            try await whileRunning(runner) {
                try await caughtUp(runner, to: head)
                try await eventually("the live state to be recorded") {
                    try await readStore.withReader { try await $0.projectionRecord(named: "orders")?.report?.state } == .live
                }
            }
            let report = try #require(try await readStore.withReader { try await $0.projectionRecord(named: "orders")?.report })
            #expect(report.node == "node-7")
            #expect(report.lastError?.contains("injected fault at position 1") == true)
            #expect(abs(report.reportedAt.timeIntervalSinceNow) < 60)

            var stopping = ProjectionFailurePolicy(retry: RetryPolicy(maximumAttempts: 1), action: .stop)
            stopping.keepsStreamOrder = true
            let failing = ProjectionRunner(
                store: events,
                readStore: readStore,
                projections: [OrderProjection(name: "orders-failing", faults: faults, failurePolicy: stopping)],
                configuration: configuration
            )
            try await whileRunning(failing) {
                try await eventually("the failure to be recorded") {
                    try await readStore.withReader { try await $0.projectionRecord(named: "orders-failing")?.report?.state } == .failed
                }
            }
            let failed = try #require(try await readStore.withReader { try await $0.projectionRecord(named: "orders-failing")?.report })
            #expect(failed.lastError?.contains("injected fault at position 1") == true)
        }
    }
}
