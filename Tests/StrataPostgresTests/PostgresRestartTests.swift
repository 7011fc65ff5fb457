//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataPostgres
import StrataTestSupport
import Synchronization
import Testing

/// What one live subscription delivered, and how it ended if it did.
private final class Delivered: Sendable {
    private let state = Mutex<(events: [RecordedEvent], failure: String?)>(([], nil))

    var events: [RecordedEvent] { state.withLock { $0.events } }

    func collect(_ subscription: EventSubscription) async {
        do {
            for try await event in subscription {
                state.withLock { $0.events.append(event) }
            }
        } catch {
            state.withLock { $0.failure = "\(error)" }
        }
    }

    /// Waits until the subscription has delivered the event at `position`; fails at once if it gave up.
    func waitForPosition(_ position: GlobalPosition) async throws {
        try await eventually("the subscription to deliver position \(position)", within: .seconds(120), every: .milliseconds(20)) {
            let (last, failure) = state.withLock { ($0.events.last?.position, $0.failure) }
            if let failure {
                Issue.record("the subscription gave up: \(failure)")
                throw CancellationError()
            }
            return last.map { $0 >= position } ?? false
        }
    }
}

/// Appends one event at a time until stopped, as a live application would, recording every outcome.
private final class Appender: Sendable {
    private struct State {
        var acknowledged: [UUID] = []
        var failures: [any Error] = []
        var stopping = false
        var finished = false
        var slowest = Duration.zero
    }

    private let state = Mutex(State())
    let store: PostgresEventStore

    init(store: PostgresEventStore) {
        self.store = store
    }

    var acknowledged: [UUID] { state.withLock { $0.acknowledged } }
    var failures: [any Error] { state.withLock { $0.failures } }
    /// The longest any one append took, successful or not.
    var slowest: Duration { state.withLock { $0.slowest } }

    func run() async {
        var n = 0
        while !Task.isCancelled, !state.withLock({ $0.stopping }) {
            n += 1
            let id = UUID()
            let started = ContinuousClock.now
            let outcome: Result<Void, any Error>
            do {
                _ = try await store.append(
                    [NewEvent(id: id, type: "Tested", data: Data(#"{"n":\#(n)}"#.utf8))],
                    to: StreamID(category: "order", id: String(n % 5)),
                    expecting: .any
                )
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            let took = ContinuousClock.now - started
            state.withLock { state in
                state.slowest = max(state.slowest, took)
                switch outcome {
                case .success: state.acknowledged.append(id)
                case .failure(let error): state.failures.append(error)
                }
            }
            // Paces the writer, so that its appends spread over the whole outage instead of racing through it.
            try? await Task.sleep(for: .milliseconds(5))
        }
        state.withLock { $0.finished = true }
    }

    /// Stops appending and waits for the append in flight, so that nothing is appended after this returns.
    func stop() async throws {
        state.withLock { $0.stopping = true }
        try await eventually("the append in flight to finish", within: .seconds(120), every: .milliseconds(10)) {
            state.withLock { $0.finished }
        }
    }

    func waitForAcknowledged(_ count: Int) async throws {
        try await eventually("\(count) acknowledged appends", within: .seconds(120), every: .milliseconds(10)) {
            state.withLock { $0.acknowledged.count } >= count
        }
    }

    /// Waits until more than `count` appends have failed.
    func waitForFailure(beyond count: Int = 0) async throws {
        try await eventually("more than \(count) failed appends", within: .seconds(120), every: .milliseconds(10)) {
            state.withLock { $0.failures.count > count }
        }
    }
}

/// Reads the head of the log over and over until cancelled, recording outcomes and the slowest read.
private final class Reader: Sendable {
    private let state = Mutex<(successes: Int, failures: [any Error], slowest: Duration)>((0, [], .zero))
    let store: PostgresEventStore

    init(store: PostgresEventStore) {
        self.store = store
    }

    var successes: Int { state.withLock { $0.successes } }
    var failures: [any Error] { state.withLock { $0.failures } }
    var slowest: Duration { state.withLock { $0.slowest } }

    func run() async {
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                _ = try await store.readAll(from: .start, limit: 20)
                state.withLock { $0.successes += 1 }
            } catch {
                if Task.isCancelled { return }
                state.withLock { $0.failures.append(error) }
                // Back-off while the server is down, as a real reader would.
                try? await Task.sleep(for: .milliseconds(20))
            }
            let took = ContinuousClock.now - started
            state.withLock { $0.slowest = max($0.slowest, took) }
        }
    }

    func waitForSuccesses(_ count: Int) async throws {
        try await eventually("\(count) successful reads", within: .seconds(120), every: .milliseconds(10)) { successes >= count }
    }
}

@Suite("PostgreSQL server restarts", .timeLimit(.minutes(10)), .enabled(if: PrivatePostgres.isAvailable))
struct PostgresRestartTests {
    @Test("across a server restart, live subscriptions deliver every committed event exactly once and appends fail as unavailable")
    func restartUnderLiveSubscriptions() async throws {
        let server = try await PrivatePostgres.start()
        do {
            try await withDeadline(120, "the restart scenario") { try await restartScenario(server) }
        } catch {
            await server.destroy()
            throw error
        }
        await server.destroy()
    }

    private func restartScenario(_ server: PrivatePostgres) async throws {
        var configuration = PostgresEventStore.Configuration()
        configuration.reconnectDelay = .milliseconds(100)
        configuration.connectionWaitLimit = .seconds(1)
        // Two stores with their own clients, as two application processes: the writer's subscription is woken by
        // its own commits, the other's only by notifications (it would poll once an hour), so it keeps up only if
        // its listener listens again after the restart.
        let writer = try PostgresEventStore(url: server.url(schema: "restart"), configuration: configuration)
        var otherConfiguration = configuration
        otherConfiguration.pollInterval = .seconds(3600)
        let other = try PostgresEventStore(url: server.url(schema: "restart"), configuration: otherConfiguration)

        try await withThrowingTaskGroup(of: Void.self) { group in
            defer { group.cancelAll() }
            group.addTask { try await writer.run() }
            group.addTask { try await other.run() }
            try await withDeadline(30, "the migration") { try await writer.migrate() }

            let local = Delivered()
            let remote = Delivered()
            group.addTask { await local.collect(writer.subscribeToAll(from: .start)) }
            group.addTask { await remote.collect(other.subscribeToAll(from: .start)) }
            let appender = Appender(store: writer)
            group.addTask { await appender.run() }

            // The server goes down while appends and both subscriptions are in full flow.
            try await withDeadline(30, "appends before the restart") { try await appender.waitForAcknowledged(50) }
            try await server.stopServer(mode: "fast")

            // While it is down, appends and reads fail, and say that the server is unavailable.
            let appendError = await #expect(throws: EventStoreError.self) {
                try await withDeadline(30, "an append to fail") {
                    try await writer.append([NewEvent(type: "Tested", data: Data("{}".utf8))], to: "outage-1", expecting: .any)
                }
            }
            #expect(appendError?.code == .unavailable, "\(String(describing: appendError))")
            let readError = await #expect(throws: EventStoreError.self) {
                try await withDeadline(30, "a read to fail") { try await writer.readAll(from: .start, limit: 10) }
            }
            #expect(readError?.code == .unavailable, "\(String(describing: readError))")
            try await withDeadline(30, "the appender to see the outage") { try await appender.waitForFailure() }

            try await server.startServer()
            let before = appender.acknowledged.count
            try await withDeadline(30, "appends after the restart") { try await appender.waitForAcknowledged(before + 50) }
            try await withDeadline(30, "the appender to stop") { try await appender.stop() }

            // Every failure was reported as unavailable: none as a storage failure, none as a crash.
            for failure in appender.failures {
                #expect((failure as? EventStoreError)?.code == .unavailable, "\(failure)")
            }
            try await expectExactlyTheLog(of: writer, deliveredTo: [local, remote], acknowledged: appender.acknowledged)
        }
    }

    @Test("operations in flight when the server dies, again and again, fail or succeed but never hang")
    func repeatedCrashes() async throws {
        let server = try await PrivatePostgres.start()
        do {
            try await withDeadline(120, "the crash scenario") { try await crashScenario(server) }
        } catch {
            await server.destroy()
            throw error
        }
        await server.destroy()
    }

    private func crashScenario(_ server: PrivatePostgres) async throws {
        var configuration = PostgresEventStore.Configuration()
        configuration.reconnectDelay = .milliseconds(100)
        configuration.connectionWaitLimit = .seconds(1)
        let store = try PostgresEventStore(url: server.url(schema: "crash"), configuration: configuration)
        let readers = (0..<8).map { _ in Reader(store: store) }

        try await withThrowingTaskGroup(of: Void.self) { group in
            defer { group.cancelAll() }
            group.addTask { try await store.run() }
            try await withDeadline(30, "the migration") { try await store.migrate() }
            let subscription = Delivered()
            group.addTask { await subscription.collect(store.subscribeToAll(from: .start)) }
            let appender = Appender(store: store)
            group.addTask { await appender.run() }
            // Many operations in flight at every moment, so that some are sent just as the server dies: the ones
            // that once waited forever on a connection that had closed under them.
            for reader in readers {
                group.addTask { await reader.run() }
            }

            for round in 0..<3 {
                try await withDeadline(30, "appends before crash \(round + 1)") {
                    try await appender.waitForAcknowledged(appender.acknowledged.count + 30)
                }
                // Killed as in a crash, or stopped with its connections closed under the clients.
                let failures = appender.failures.count
                try await server.stopServer(mode: round.isMultiple(of: 2) ? "immediate" : "fast")
                try await withDeadline(30, "the appender to see crash \(round + 1)") {
                    try await appender.waitForFailure(beyond: failures)
                }
                try await server.startServer()
                // Every reader gets through again: none is stuck on the connection that died.
                let reads = readers.map(\.successes)
                for (reader, before) in zip(readers, reads) {
                    try await withDeadline(30, "every reader to read again after crash \(round + 1)") {
                        try await reader.waitForSuccesses(before + 1)
                    }
                }
            }
            try await withDeadline(30, "appends after the last crash") {
                try await appender.waitForAcknowledged(appender.acknowledged.count + 30)
            }
            try await withDeadline(30, "the appender to stop") { try await appender.stop() }

            for failure in appender.failures {
                #expect((failure as? EventStoreError)?.code == .unavailable, "\(failure)")
            }
            for reader in readers {
                for failure in reader.failures {
                    #expect((failure as? EventStoreError)?.code == .unavailable, "\(failure)")
                }
                #expect(reader.slowest < .seconds(5), "a read took \(reader.slowest)")
            }
            #expect(appender.slowest < .seconds(5), "an append took \(appender.slowest)")
            try await expectExactlyTheLog(of: store, deliveredTo: [subscription], acknowledged: appender.acknowledged)
        }
    }

    /// Expects every subscription to catch up with the head and to have delivered exactly the log, once each, in
    /// order, and the log to hold every acknowledged append.
    private func expectExactlyTheLog(of store: PostgresEventStore, deliveredTo subscriptions: [Delivered], acknowledged: [UUID]) async throws {
        let head = try await withDeadline(30, "the head position") { try await store.headPosition() }
        for subscription in subscriptions {
            try await withDeadline(30, "a subscription to catch up") { try await subscription.waitForPosition(head) }
        }
        let log = try await withDeadline(30, "the whole log") { try await readWholeLog(store) }
        #expect(log.map(\.position.value) == Array(1...head.value), "the log has no holes")
        let logged = Set(log.map(\.id))
        #expect(acknowledged.allSatisfy(logged.contains), "every acknowledged append is in the log")
        for subscription in subscriptions {
            #expect(subscription.events.map(\.id) == log.map(\.id), "delivered exactly the log, once each, in order")
            #expect(subscription.events.map(\.position) == log.map(\.position))
        }
    }
}

/// Reads the whole log, a page at a time.
private func readWholeLog(_ store: PostgresEventStore) async throws -> [RecordedEvent] {
    var events: [RecordedEvent] = []
    var position = GlobalPosition.start
    while true {
        let page = try await store.readAll(from: position, limit: 1000)
        events.append(contentsOf: page)
        guard page.count == 1000, let last = page.last else { return events }
        position = last.position.next
    }
}
