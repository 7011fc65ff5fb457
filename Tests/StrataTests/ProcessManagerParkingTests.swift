//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataTestSupport
import Synchronization
import Testing

@Suite("Process managers park what keeps failing and go on", .timeLimit(.minutes(1)))
struct ProcessManagerParkingTests {
    struct Rang: DomainEvent {
        static let eventType = "Rang"
        var process: String
        var poison: Bool
        var scheduleIn: Double?
    }

    struct Bell: ProcessManager {
        struct Command: Codable, Sendable, Equatable {
            var process: String
            var poison: Bool
        }

        let name = "bell"
        let codec = EventRegistry(Rang.self)
        var filter: EventFilter { .category("bell") }
        let initialState = 0

        func processID(for event: any DomainEvent, recorded: RecordedEvent) -> String? { (event as? Rang)?.process }
        func evolve(_ rings: Int, event: any DomainEvent) -> Int { rings + 1 }
        func react(to event: any DomainEvent, state: Int, recorded: RecordedEvent) -> [ProcessAction<Command>] {
            guard let rang = event as? Rang else { return [] }
            let command = Command(process: rang.process, poison: rang.poison)
            if let delay = rang.scheduleIn { return [.schedule(command, named: "later", at: recorded.recordedAt.addingTimeInterval(delay))] }
            return [.send(command)]
        }
    }

    /// Not a DomainError: a failure the runner cannot tell from a bug, so it retries and then parks.
    struct BrokenDispatch: Error {}

    /// A store, a runner whose dispatch fails for poisoned commands and records the others in `handled-<process>`.
    struct Fixture {
        let store: InMemoryEventStore
        let runner: ProcessManagerRunner<Bell>
        let attempts: Counter

        init() {
            var configuration = ProcessManagerRunner<Bell>.Configuration()
            configuration.retry = RetryPolicy(maximumAttempts: 3, initialDelay: .milliseconds(10), maximumDelay: .milliseconds(10))
            configuration.retryDelay = .milliseconds(10)
            configuration.deadlinePollInterval = .milliseconds(50)
            let store = InMemoryEventStore()
            let attempts = Counter()
            self.store = store
            self.attempts = attempts
            runner = ProcessManagerRunner(Bell(), store: store, configuration: configuration) { command, context in
                if command.poison {
                    attempts.increment()
                    throw BrokenDispatch()
                }
                let event = NewEvent(id: DerivedID.uuid(from: context.idempotencyKey), type: "Handled", data: Data("{}".utf8))
                _ = try await store.append([event], to: try StreamID("handled-\(command.process)"), expecting: .any)
            }
        }

        func ring(_ process: String, poison: Bool = false, scheduleIn: Double? = nil) async throws {
            let data = try JSONEncoder().encode(Rang(process: process, poison: poison, scheduleIn: scheduleIn))
            _ = try await store.append([NewEvent(type: Rang.eventType, data: data)], to: try StreamID("bell-\(process)"), expecting: .any)
        }

        func handled(_ process: String) async throws -> Int { try await store.readStream(try StreamID("handled-\(process)")).count }
    }

    final class Counter: Sendable {
        private let value = Mutex(0)
        func increment() { value.withLock { $0 += 1 } }
        var count: Int { value.withLock { $0 } }
    }

    @Test("an event whose command keeps failing is parked after its attempts; its process's later events wait behind it; others go on")
    func parksEvents() async throws {
        let fixture = Fixture()
        try await fixture.ring("a", poison: true)
        try await fixture.ring("b")
        try await fixture.ring("a")
        try await fixture.ring("c")
        let task = Task { try await fixture.runner.run() }
        defer { task.cancel() }

        try await eventually("1 handled of process c", within: .seconds(20)) { try await fixture.handled("c") == 1 }
        #expect(try await fixture.handled("b") == 1)
        #expect(try await fixture.handled("a") == 0, "a's second event is held back behind its parked first one")
        #expect(fixture.attempts.count == 3)
        let parked = try await fixture.runner.parkedEvents()
        #expect(parked.map(\.position) == [1, 3])
        #expect(parked.map(\.processID) == ["a", "a"])
        #expect(parked.map(\.kind) == [.event, .event])
        #expect(parked.first?.attempts == 3)
        #expect(parked.first?.reason == "BrokenDispatch")
        #expect(parked.last?.reason.contains("held back") == true)
        #expect(try await fixture.store.processCheckpoint("bell") == 4)
    }

    @Test("parked processes stay held back after a restart")
    func heldBackAfterRestart() async throws {
        let fixture = Fixture()
        try await fixture.ring("a", poison: true)
        try await fixture.ring("b")
        var task = Task { try await fixture.runner.run() }
        try await eventually("1 handled of process b", within: .seconds(20)) { try await fixture.handled("b") == 1 }
        task.cancel()
        _ = await task.result

        try await fixture.ring("a")
        try await fixture.ring("b")
        task = Task { try await fixture.runner.run() }
        defer { task.cancel() }
        try await eventually("2 handled of process b", within: .seconds(20)) { try await fixture.handled("b") == 2 }
        #expect(try await fixture.handled("a") == 0)
        let parked = try await fixture.runner.parkedEvents()
        #expect(parked.map(\.stream) == ["bell-a", "bell-a"])
        #expect(parked.map(\.version) == [0, 1])
    }

    @Test("a deadline whose command keeps failing is parked and no longer holds up the deadlines after it")
    func parksDeadlines() async throws {
        let fixture = Fixture()
        try await fixture.ring("a", poison: true, scheduleIn: 0)
        try await fixture.ring("b", scheduleIn: 0.05)
        let task = Task { try await fixture.runner.run() }
        defer { task.cancel() }

        try await eventually("1 handled of process b", within: .seconds(20)) { try await fixture.handled("b") == 1 }
        try await eventually("a parked event", within: .seconds(20)) { try await !fixture.runner.parkedEvents().isEmpty }
        let parked = try await fixture.runner.parkedEvents()
        #expect(parked.map(\.kind) == [.deadline])
        #expect(parked.first?.processID == "a")
        #expect(parked.first?.scheduledCommandID != nil)
        #expect(fixture.attempts.count == 3)
        #expect(try await fixture.store.dueScheduledCommands(owner: "bell", dueBy: .distantFuture, limit: 10).isEmpty)
    }
}
