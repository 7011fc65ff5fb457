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

private struct Counted: DomainEvent {
    static let eventType = "Counted"
}

private struct Counter: Decider {
    let initialState = 0
    let codec = EventRegistry(Counted.self)

    func decide(_ command: Void, state: Int) throws -> [any DomainEvent] { [Counted()] }
    func evolve(_ state: Int, event: any DomainEvent) -> Int { state + 1 }
}

/// Accepts its first command only: a command decided on a state that misses an event is caught.
private struct FirstOnly: Decider {
    let initialState = 0
    let codec = EventRegistry(Counted.self)

    func decide(_ command: Void, state: Int) throws -> [any DomainEvent] {
        guard state == 0 else { throw DomainError("already counted", code: "counted") }
        return [Counted()]
    }
    func evolve(_ state: Int, event: any DomainEvent) -> Int { state + 1 }
}

/// An in-memory store that counts appends and stream reads, and can let another writer in before every append
/// or right after the first read.
private final class InstrumentedStore: ForwardingEventStore {
    let base = InMemoryEventStore()
    let conflictsOnEveryAppend: Bool
    let appendsAfterFirstRead: Bool
    let appends = Mutex(0)
    let streamReads = Mutex(0)
    let readsFrom = Mutex<[StreamVersion]>([])

    init(conflictsOnEveryAppend: Bool = false, appendsAfterFirstRead: Bool = false) {
        self.conflictsOnEveryAppend = conflictsOnEveryAppend
        self.appendsAfterFirstRead = appendsAfterFirstRead
    }

    func append(_ events: [NewEvent], to stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        appends.withLock { $0 += 1 }
        if conflictsOnEveryAppend {
            _ = try await base.append([NewEvent(type: "Counted", data: Data("{}".utf8))], to: stream, expecting: .any)
        }
        return try await base.append(events, to: stream, expecting: expected)
    }

    func readStream(_ stream: StreamID, from version: StreamVersion, direction: ReadDirection, limit: Int) async throws -> [RecordedEvent] {
        let first = streamReads.withLock { reads in
            reads += 1
            return reads == 1
        }
        readsFrom.withLock { $0.append(version) }
        let events = try await base.readStream(stream, from: version, direction: direction, limit: limit)
        if first, appendsAfterFirstRead {
            _ = try await base.append([NewEvent(type: "Counted", data: Data("{}".utf8))], to: stream, expecting: .any)
        }
        return events
    }

}

@Suite("Command handler", .timeLimit(.minutes(5)))
struct CommandHandlerTests {
    @Test("conflicts are retried up to the maximum number of attempts, then rethrown")
    func retriesAreBounded() async throws {
        let store = InstrumentedStore(conflictsOnEveryAppend: true)
        let handler = CommandHandler(store: store, decider: Counter(), maximumAttempts: 3)
        await #expect(throws: WrongExpectedVersion.self) { try await handler.handle((), on: "counter-1") }
        #expect(store.appends.withLock { $0 } == 3)
    }

    @Test("events appended between reading a stream and asking its version are folded before deciding")
    func appendAfterEmptyRead() async throws {
        let store = InstrumentedStore(appendsAfterFirstRead: true)
        let handler = CommandHandler(store: store, decider: FirstOnly())
        // The first read finds no stream; another writer's event lands before the handler asks for the version.
        let error = await #expect(throws: DomainError.self) { try await handler.handle((), on: "counter-1") }
        #expect(error?.code == "counted")
        #expect(try await store.readStream("counter-1").count == 1)
    }

    @Test("a retry after a conflict reads only the events appended since the attempt it replaces")
    func retriesCatchUp() async throws {
        let store = InstrumentedStore(conflictsOnEveryAppend: true)
        let handler = CommandHandler(store: store, decider: Counter(), maximumAttempts: 3)
        // Every attempt conflicts: the handler gives up with the conflict, and nothing else.
        await #expect(throws: WrongExpectedVersion.self) { try await handler.handle((), on: "counter-1") }
        // Attempt 1 finds no stream; each later attempt reads from the version after the last one the attempt
        // before it had folded (none, then 0), never from the start again.
        #expect(store.readsFrom.withLock { $0 } == [0, 0, 1])
        let loaded = try await handler.load("counter-1")
        #expect(loaded.state == 3)
        #expect(loaded.version == 2)
    }

    @Test("with a cache, commands after the first decide from memory without reading the stream")
    func cachedCommandsSkipReads() async throws {
        let store = InstrumentedStore()
        let cache = AggregateCache<Int>()
        let handler = CommandHandler(store: store, decider: Counter(), cache: cache)
        _ = try await handler.handle((), on: "counter-1")
        let readsAfterFirst = store.streamReads.withLock { $0 }
        #expect(readsAfterFirst > 0)
        for _ in 0..<5 { _ = try await handler.handle((), on: "counter-1") }
        #expect(store.streamReads.withLock { $0 } == readsAfterFirst)
        #expect(cache.aggregate(of: "counter-1")?.state == 6)
        #expect(cache.aggregate(of: "counter-1")?.version == 5)

        cache.remove("counter-1")
        _ = try await handler.handle((), on: "counter-1")
        #expect(store.streamReads.withLock { $0 } > readsAfterFirst)
        #expect(cache.aggregate(of: "counter-1")?.state == 7)
    }

    @Test("a full cache drops its least recently used aggregates")
    func cacheCapacity() async throws {
        let cache = AggregateCache<Int>(capacity: 10)
        let handler = CommandHandler(store: InMemoryEventStore(), decider: Counter(), cache: cache)
        _ = try await handler.handle((), on: "counter-kept")
        for n in 0..<30 {
            _ = try await handler.handle((), on: StreamID(category: "counter", id: "\(n)"))
            // Using the first aggregate again keeps it among the most recently used.
            _ = try await handler.handle((), on: "counter-kept")
        }
        #expect(cache.count <= 10)
        #expect(cache.aggregate(of: "counter-kept")?.state == 31)
        #expect(cache.aggregate(of: "counter-29")?.state == 1)
        #expect(cache.aggregate(of: "counter-0") == nil)
    }

    @Test("loading fails on an unknown event type unless told to skip it")
    func unknownEventsOnLoad() async throws {
        let store = InMemoryEventStore()
        _ = try await store.append(
            [NewEvent(type: "Counted", data: Data("{}".utf8)), NewEvent(type: "Renamed", data: Data("{}".utf8))],
            to: "counter-1",
            expecting: .noStream
        )
        let strict = CommandHandler(store: store, decider: Counter())
        let error = await #expect(throws: EventDecodingError.self) { try await strict.handle((), on: "counter-1") }
        #expect(error?.eventType == "Renamed")
        #expect(error?.position == 2)

        let lenient = CommandHandler(store: store, decider: Counter(), unknownEvents: .skip)
        let result = try await lenient.handle((), on: "counter-1")
        #expect(result.streamVersion == 2)
        #expect(try await lenient.load("counter-1").state == 2)
    }

    @Test("an aggregate of more than one page loads completely")
    func longStreams() async throws {
        let store = InMemoryEventStore()
        let events = (0..<2500).map { _ in NewEvent(type: "Counted", data: Data("{}".utf8)) }
        _ = try await store.append(events, to: "counter-1", expecting: .noStream)
        let loaded = try await CommandHandler(store: store, decider: Counter()).load("counter-1")
        #expect(loaded.state == 2500)
        #expect(loaded.version == 2499)
        #expect(loaded.position == 2500)
    }
}
