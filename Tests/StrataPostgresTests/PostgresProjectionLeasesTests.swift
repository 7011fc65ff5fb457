//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata
import StrataPostgres
import StrataTestSupport
import Synchronization
import Testing

/// A client of its own, as another application process would have, running while `body` runs.
func withOwnClient<T: Sendable>(_ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
    let client = PostgresClient(configuration: try PostgresConnectionSettings(url: TestPostgres.url!).client)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            await client.run()
            return nil
        }
        defer { group.cancelAll() }
        let value = try await body(client)
        group.cancelAll()
        return value
    }
}

/// Shared mutable state for the tasks of a test.
private final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ value: Value) { self.value = Mutex(value) }

    func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T { value.withLock { body(&$0) } }
}

private func fastLeases(_ client: PostgresClient, namespace: String) -> PostgresProjectionLeases {
    var configuration = PostgresProjectionLeases.Configuration(namespace: namespace)
    configuration.retryInterval = .milliseconds(50)
    configuration.checkInterval = .milliseconds(50)
    return PostgresProjectionLeases(client: client, configuration: configuration)
}

@Suite("PostgreSQL projection leases", .timeLimit(.minutes(10)), .enabled(if: TestPostgres.isAvailable))
struct PostgresProjectionLeasesTests {
    @Test("one holder at a time; the next takes over when the holder finishes, and no lock is left on pooled connections")
    func exclusive() async throws {
        let namespace = uniqueSchema("lease")
        let leases = fastLeases(TestPostgres.client, namespace: namespace)
        let running = Shared(0)
        let maximum = Shared(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await leases.withLease(on: "orders") {
                        let now = running.withLock {
                            $0 += 1
                            return $0
                        }
                        maximum.withLock { $0 = max($0, now) }
                        // Holds the lease for a while, so that the other three are sure to contend for it.
                        try await Task.sleep(for: .milliseconds(100))
                        running.withLock { $0 -= 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(maximum.withLock { $0 } == 1)
        #expect(try await leases.holder(of: "orders") == nil, "every holder unlocked before returning its connection")
        // Another projection's lease is independent.
        try await leases.withLease(on: "orders") {
            try await leases.withLease(on: "customers") {
                let holder = try await leases.holder(of: "customers")
                #expect(holder != nil)
            }
        }
    }

    @Test("a holder whose connection is killed loses the lease, its work is cancelled, and a waiting process takes over")
    func killedHolder() async throws {
        let namespace = uniqueSchema("lease")
        let leases = fastLeases(TestPostgres.client, namespace: namespace)
        let holding = Shared(false)
        let holder = Task {
            try await leases.withLease(on: "orders") {
                holding.withLock { $0 = true }
                try await waitUntilCancelled()
            }
        }
        try await eventually("the first holder", within: .seconds(15), every: .milliseconds(20)) { holding.withLock { $0 } }
        let pid = try #require(try await leases.holder(of: "orders")?.pid)
        try await withOwnClient { client in
            let other = fastLeases(client, namespace: namespace)
            let tookOver = Shared(false)
            let waiter = Task {
                try await other.withLease(on: "orders") {
                    tookOver.withLock { $0 = true }
                    try await waitUntilCancelled()
                }
            }
            // That the waiter does not take the lease can only be watched for a while: 200 ms is several of its polls.
            try await Task.sleep(for: .milliseconds(200))
            #expect(!tookOver.withLock { $0 }, "the lease is still held")
            _ = try await TestPostgres.client.query("SELECT pg_terminate_backend(\(Int32(pid)))").collect()
            let outcome = await holder.result
            #expect(throws: ProjectionLeaseLost.self) { try outcome.get() }
            try await eventually("the waiting process to take over", within: .seconds(15), every: .milliseconds(20)) { tookOver.withLock { $0 } }
            #expect(try await other.holder(of: "orders").map(\.pid) != pid)
            waiter.cancel()
            _ = await waiter.result
        }
        try await eventually("the lease to be free", within: .seconds(15), every: .milliseconds(20)) { try await leases.holder(of: "orders") == nil }
    }

    @Test("waiting for a lease ends when the task is cancelled")
    func cancelWaiting() async throws {
        let namespace = uniqueSchema("lease")
        let leases = fastLeases(TestPostgres.client, namespace: namespace)
        try await leases.withLease(on: "orders") {
            let waiter = Task { try await leases.withLease(on: "orders") {} }
            // Cancels a waiter that is polling for the lease (it polls every few milliseconds), not one that has not
            // started: the lease offers no signal for "someone is waiting".
            try await Task.sleep(for: .milliseconds(150))
            waiter.cancel()
            let outcome = await waiter.result
            #expect(throws: CancellationError.self) { try outcome.get() }
        }
    }
}
