//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
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

/// A store where another writer always gets in first: every append conflicts.
private final class AlwaysConflictingStore: EventStore {
    let base = InMemoryEventStore()
    let appends = Mutex(0)

    func append(_ events: [NewEvent], to stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        appends.withLock { $0 += 1 }
        _ = try await base.append([NewEvent(type: "Counted", data: Data("{}".utf8))], to: stream, expecting: .any)
        return try await base.append(events, to: stream, expecting: expected)
    }

    func readStream(_ stream: StreamID, from version: StreamVersion, direction: ReadDirection, limit: Int) async throws -> [RecordedEvent] {
        try await base.readStream(stream, from: version, direction: direction, limit: limit)
    }

    func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [RecordedEvent] {
        try await base.readAll(from: position, limit: limit, filter: filter)
    }

    func currentVersion(of stream: StreamID) async throws -> StreamVersion? { try await base.currentVersion(of: stream) }
    func headPosition() async throws -> GlobalPosition { try await base.headPosition() }
    func subscribeToAll(from position: GlobalPosition, filter: EventFilter) -> EventSubscription {
        base.subscribeToAll(from: position, filter: filter)
    }
    func deleteStream(_ stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        try await base.deleteStream(stream, expecting: expected)
    }
    func truncateStream(_ stream: StreamID, before version: StreamVersion) async throws {
        try await base.truncateStream(stream, before: version)
    }
}

@Suite("Command handler")
struct CommandHandlerTests {
    @Test("conflicts are retried up to the maximum number of attempts, then rethrown")
    func retriesAreBounded() async throws {
        let store = AlwaysConflictingStore()
        let handler = CommandHandler(store: store, decider: Counter(), maximumAttempts: 3)
        await #expect(throws: WrongExpectedVersion.self) { try await handler.handle((), on: "counter-1") }
        #expect(store.appends.withLock { $0 } == 3)
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
