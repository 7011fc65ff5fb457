//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import InMemoryTracing
import StrataTestSupport
import Synchronization
import Testing
import Tracing

@testable import Strata

private struct Noted: DomainEvent {
    static let eventType = "Noted"
}

private final class Count: Sendable {
    private let value = Mutex(0)

    var current: Int { value.withLock { $0 } }

    func increment() { value.withLock { $0 += 1 } }
}

private final class Order: Sendable {
    private let recorded = Mutex<[Int]>([])

    var numbers: [Int] { recorded.withLock { $0 } }

    func record(_ number: Int) { recorded.withLock { $0.append(number) } }
}

/// Appends one event per command and counts its decisions; the command "fail" is rejected.
private struct Notebook: Decider {
    let initialState = 0
    let codec = EventRegistry(Noted.self)
    let decisions = Count()

    func decide(_ command: String, state: Int) throws -> [any DomainEvent] {
        decisions.increment()
        guard command != "fail" else { throw DomainError("refused", code: "refused") }
        return [Noted()]
    }
    func evolve(_ state: Int, event: any DomainEvent) -> Int { state + 1 }
}

/// An in-memory store that holds back appends to one stream until told to let them through, and counts stream
/// reads and refused appends.
private final class HeldStore: ForwardingEventStore {
    let base = InMemoryEventStore()
    let held: StreamID
    private let state = Mutex<(holding: Bool, waiting: [CheckedContinuation<Void, any Error>])>((true, []))
    let streamReads = Count()
    let refusedAppends = Count()

    init(holding stream: StreamID) { held = stream }

    /// Appends that wait to be let through.
    var heldAppends: Int { state.withLock { $0.waiting.count } }

    /// Lets every held append through, and every later one, or fails them all with `error`.
    func release(failing error: (any Error)? = nil) {
        let waiting = state.withLock { state in
            state.holding = false
            defer { state.waiting = [] }
            return state.waiting
        }
        for append in waiting {
            if let error { append.resume(throwing: error) } else { append.resume() }
        }
    }

    func append(_ events: [NewEvent], to stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        if stream == held {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let passes = state.withLock { state in
                    if state.holding { state.waiting.append(continuation) }
                    return !state.holding
                }
                if passes { continuation.resume() }
            }
        }
        do {
            return try await base.append(events, to: stream, expecting: expected)
        } catch let error as WrongExpectedVersion {
            refusedAppends.increment()
            throw error
        }
    }

    func readStream(_ stream: StreamID, from version: StreamVersion, direction: ReadDirection, limit: Int) async throws -> [RecordedEvent] {
        streamReads.increment()
        return try await base.readStream(stream, from: version, direction: direction, limit: limit)
    }

}

@Suite("Commands on one stream take turns", .timeLimit(.minutes(2)))
struct CommandTurnsTests {
    let stream: StreamID = "notebook-1"

    /// Starts `command` on the stream and returns once its append is held back by `store`: it has the turn.
    private func startHeld(
        _ command: String,
        through handler: CommandHandler<Notebook>,
        in store: HeldStore
    ) async throws -> Task<CommandResult<any DomainEvent>, any Error> {
        let task = Task { try await handler.handle(command, on: stream) }
        try await eventually("the first command's append is held") { store.heldAppends == 1 }
        return task
    }

    @Test("a second command on a stream waits for the first to append, then is decided once, without a conflict")
    func secondCommandWaits() async throws {
        let store = HeldStore(holding: stream)
        let handler = CommandHandler(store: store, decider: Notebook())
        let first = try await startHeld("a", through: handler, in: store)
        let second = Task { try await handler.handle("b", on: stream) }
        try await eventually("the second command waits for its turn") { handler.turns.waiting(on: stream) == 1 }
        // The second command has not loaded the stream: it would have decided on the version the first replaces.
        #expect(store.streamReads.current == 1)
        store.release()
        #expect(try await first.value.streamVersion == 0)
        #expect(try await second.value.streamVersion == 1)
        #expect(handler.decider.decisions.current == 2)
        #expect(store.refusedAppends.current == 0)
        #expect(handler.turns.busyStreams == 0)
    }

    @Test("a command that waited for its turn marks on its span when the turn came; one that did not wait, nothing")
    func waitingIsTraced() async throws {
        let tracer = InMemoryTracer()
        let store = HeldStore(holding: stream)
        let handler = CommandHandler(store: store, decider: Notebook())
        try await withTracer(tracer) {
            let first = try await startHeld("a", through: handler, in: store)
            let second = Task { try await handler.handle("b", on: stream) }
            try await eventually("the second command waits for its turn") { handler.turns.waiting(on: stream) == 1 }
            store.release()
            _ = try await first.value
            _ = try await second.value
        }
        let commands = tracer.finishedSpans.filter { $0.operationName == "strata.command" }
        let events = commands.map { $0.events.map(\.name) }.sorted { $0.count < $1.count }
        #expect(events == [[], ["strata.command.turn"]])
    }

    @Test("without turns, the second command decides on the same version, is refused and decided again")
    func withoutTurnsCommandsRace() async throws {
        let store = HeldStore(holding: stream)
        let handler = CommandHandler(store: store, decider: Notebook(), serializesCommandsPerStream: false)
        let first = try await startHeld("a", through: handler, in: store)
        let second = Task { try await handler.handle("b", on: stream) }
        try await eventually("both appends are held") { store.heldAppends == 2 }
        store.release()
        let versions = Set([try await first.value.streamVersion, try await second.value.streamVersion])
        #expect(versions == [0, 1])
        #expect(handler.decider.decisions.current == 3)
        #expect(store.refusedAppends.current == 1)
    }

    @Test("a command waiting for its turn leaves the line when cancelled, and appends nothing")
    func cancelledWaiterLeaves() async throws {
        let store = HeldStore(holding: stream)
        let handler = CommandHandler(store: store, decider: Notebook())
        let first = try await startHeld("a", through: handler, in: store)
        let waiter = Task { try await handler.handle("cancelled", on: stream) }
        try await eventually("the second command waits for its turn") { handler.turns.waiting(on: stream) == 1 }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(handler.turns.waiting(on: stream) == 0)
        store.release()
        #expect(try await first.value.streamVersion == 0)
        #expect(try await handler.handle("c", on: stream).streamVersion == 1)
        #expect(try await store.readStream(stream).count == 2)
        #expect(handler.decider.decisions.current == 2)
    }

    @Test("the turn passes on when a command fails, whether its decision or its append failed")
    func failuresPassTheTurn() async throws {
        let store = HeldStore(holding: stream)
        let handler = CommandHandler(store: store, decider: Notebook())
        let failing = try await startHeld("a", through: handler, in: store)
        let rejected = Task { try await handler.handle("fail", on: stream) }
        let next = Task { try await handler.handle("b", on: stream) }
        try await eventually("two commands wait for their turn") { handler.turns.waiting(on: stream) == 2 }
        store.release(failing: EventStoreError(.unavailable, "the store went away"))
        await #expect(throws: EventStoreError.self) { try await failing.value }
        // Which of the two waiters goes first is the order they arrived in, which two tasks do not promise; either
        // way the rejection does not keep the other from its turn.
        await #expect(throws: DomainError.self) { try await rejected.value }
        #expect(try await next.value.streamVersion == 0)
        #expect(handler.turns.waiting(on: stream) == 0)
    }

    @Test("commands on other streams do not wait")
    func otherStreamsGoAhead() async throws {
        let store = HeldStore(holding: stream)
        let handler = CommandHandler(store: store, decider: Notebook())
        let held = try await startHeld("a", through: handler, in: store)
        #expect(try await handler.handle("b", on: "notebook-2").streamVersion == 0)
        store.release()
        #expect(try await held.value.streamVersion == 0)
    }

    @Test("copies of a handler share its turns")
    func copiesShareTurns() async throws {
        let store = HeldStore(holding: stream)
        let handler = CommandHandler(store: store, decider: Notebook())
        var copy = handler
        copy.maximumAttempts = 1
        let first = try await startHeld("a", through: handler, in: store)
        // With one attempt, a copy that raced would fail with the conflict; waiting its turn, it succeeds.
        let second = Task { try await copy.handle("b", on: stream) }
        try await eventually("the copy's command waits for its turn") { handler.turns.waiting(on: stream) == 1 }
        store.release()
        #expect(try await first.value.streamVersion == 0)
        #expect(try await second.value.streamVersion == 1)
    }

    @Test("forty commands in line, every third cancelled: the others each succeed at their first attempt, in order, and no turn is left taken")
    func cancellationsInALongLine() async throws {
        let store = HeldStore(holding: stream)
        let handler = CommandHandler(store: store, decider: Notebook(), maximumAttempts: 1)
        let first = try await startHeld("first", through: handler, in: store)
        var line: [Task<CommandResult<any DomainEvent>, any Error>] = []
        for number in 1...40 {
            line.append(Task { try await handler.handle("\(number)", on: stream) })
            try await eventually("command \(number) is in line") { handler.turns.waiting(on: stream) == number }
        }
        let cancelled = Set(stride(from: 2, to: 40, by: 3))
        for index in cancelled { line[index].cancel() }
        try await eventually("the cancelled commands left the line") { handler.turns.waiting(on: stream) == 40 - cancelled.count }
        store.release()
        #expect(try await first.value.streamVersion == 0)
        var versions: [UInt64] = []
        for (index, task) in line.enumerated() {
            if cancelled.contains(index) {
                await #expect(throws: CancellationError.self) { try await task.value }
            } else {
                let result = try await task.value
                #expect(result.attempts == 1)
                versions.append(try #require(result.streamVersion).value)
            }
        }
        // In arrival order, one version after another: the cancelled commands left no gap and took no turn.
        #expect(versions == Array(1...UInt64(40 - cancelled.count)))
        #expect(try await store.readStream(stream).count == 41 - cancelled.count)
        #expect(handler.turns.busyStreams == 0)
    }

    @Test("waiters take their turns in the order they arrived")
    func turnsAreFirstComeFirstServed() async throws {
        let turns = StreamTurns()
        let order = Order()
        let holding = TestSignal()
        let release = TestSignal()
        let holder = Task {
            try await turns.withTurn(on: stream) { _ in
                holding.raise()
                try await release.wait()
            }
        }
        try await holding.wait()
        var waiters: [Task<Void, any Error>] = []
        for number in 1...5 {
            waiters.append(Task { try await turns.withTurn(on: stream) { _ in order.record(number) } })
            try await eventually("waiter \(number) is in line") { turns.waiting(on: stream) == number }
        }
        release.raise()
        try await holder.value
        for waiter in waiters { try await waiter.value }
        #expect(order.numbers == [1, 2, 3, 4, 5])
        #expect(turns.waiting(on: stream) == 0)
    }
}
