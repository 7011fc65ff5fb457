//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

/// A check that took longer than its deadline: the behaviour it waits for did not happen.
struct DeadlineExceeded: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Runs `operation`, failing with DeadlineExceeded if it takes longer than `seconds`.
func withDeadline<T: Sendable>(
    _ seconds: Double,
    waitingFor what: String,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw DeadlineExceeded(what: what)
        }
        return value
    }
}

/// Runs `check` with a fresh store from `backend`, disposing of it afterwards.
func withStore(
    _ backend: any ConformanceBackend,
    _ check: (any EventStore) async throws -> Void
) async throws {
    let store = try await backend.makeStore()
    do {
        try await check(store)
    } catch {
        try? await backend.dispose(store)
        throw error
    }
    try await backend.dispose(store)
}

/// A JSON event of `type` whose data is `{"n": n}`.
func event(_ type: String = "Tested", n: Int = 0, id: UUID = UUID(), metadata: EventMetadata = EventMetadata()) -> NewEvent {
    NewEvent(id: id, type: type, data: Data(#"{"n":\#(n)}"#.utf8), metadata: metadata)
}

/// The `n` of an event made by `event(_:n:)`.
func number(of recorded: RecordedEvent) throws -> Int {
    let n = try JSONValue(parsing: recorded.data)["n"]?.intValue
    return Int(try #require(n))
}

/// A stream id unique to one check.
func uniqueStream(_ category: String = "test") -> StreamID {
    StreamID(category: category, id: UUID().uuidString.lowercased())
}

/// Reads everything in the log.
func readWholeLog(_ store: any EventStore, filter: EventFilter = .all) async throws -> [RecordedEvent] {
    var events: [RecordedEvent] = []
    var position = GlobalPosition.start
    while true {
        let page = try await store.readAll(from: position, limit: 1000, filter: filter)
        events.append(contentsOf: page)
        guard page.count == 1000, let last = page.last else { return events }
        position = last.position.next
    }
}

/// Expects `events` to be in strictly ascending position, each stream in ascending consecutive versions.
func expectWellOrdered(_ events: [RecordedEvent], sourceLocation: SourceLocation = #_sourceLocation) {
    for (previous, next) in zip(events, events.dropFirst()) {
        #expect(
            previous.position < next.position, "positions out of order: \(previous.position) then \(next.position)", sourceLocation: sourceLocation)
    }
    var lastVersion: [StreamID: StreamVersion] = [:]
    for event in events {
        if let last = lastVersion[event.stream] {
            #expect(event.version == last.next, "stream \(event.stream) jumps from \(last) to \(event.version)", sourceLocation: sourceLocation)
        }
        lastVersion[event.stream] = event.version
    }
}

extension Result where Failure == any Error {
    /// Captures the outcome of an async throwing operation.
    init(catching operation: () async throws -> Success) async {
        do {
            self = .success(try await operation())
        } catch {
            self = .failure(error)
        }
    }
}
