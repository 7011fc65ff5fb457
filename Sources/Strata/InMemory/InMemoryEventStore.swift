//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Synchronization

/// An event store held in memory: the reference implementation, for tests, examples and prototypes.
///
/// It keeps every promise of EventStore; its contents are lost when it is released.
public final class InMemoryEventStore: EventStore {
    private struct Storage {
        var log: [RecordedEvent] = []
        var streams: [StreamID: [Int]] = [:]
        var indexByEventID: [UUID: Int] = [:]
    }

    private let storage = Mutex(Storage())
    private let signal = AppendSignal()

    public init() {}

    public func append(_ events: [NewEvent], to stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        guard !events.isEmpty else {
            throw EventStoreError(.invalidArgument, "an append needs at least one event")
        }
        let now = Date()
        let result: AppendResult = try storage.withLock { storage in
            let stored = events.compactMap { event in
                storage.indexByEventID[event.id].map { index in
                    let recorded = storage.log[index]
                    return IdempotentAppend.StoredEvent(
                        id: recorded.id,
                        stream: recorded.stream,
                        version: recorded.version,
                        position: recorded.position
                    )
                }
            }
            if let original = try IdempotentAppend.resolve(events, to: stream, expecting: expected, stored: stored) {
                return original
            }
            let indexes = storage.streams[stream] ?? []
            let actual = indexes.last.map { storage.log[$0].version }
            guard expected.isSatisfied(by: actual) else {
                throw WrongExpectedVersion(stream: stream, expected: expected, actual: actual)
            }
            var version = actual.map(\.next) ?? .first
            var appended: [Int] = []
            for event in events {
                let index = storage.log.count
                storage.log.append(
                    RecordedEvent(
                        id: event.id,
                        stream: stream,
                        version: version,
                        position: GlobalPosition(UInt64(index + 1)),
                        type: event.type,
                        data: event.data,
                        metadata: event.metadata,
                        recordedAt: now
                    )
                )
                storage.indexByEventID[event.id] = index
                appended.append(index)
                version = version.next
            }
            storage.streams[stream, default: []].append(contentsOf: appended)
            let last = storage.log[appended[appended.count - 1]]
            return AppendResult(streamVersion: last.version, position: last.position)
        }
        signal.notify()
        return result
    }

    public func readStream(
        _ stream: StreamID,
        from version: StreamVersion,
        direction: ReadDirection,
        limit: Int
    ) async throws -> [RecordedEvent] {
        storage.withLock { storage in
            guard let indexes = storage.streams[stream], limit > 0 else { return [] }
            // Versions are dense from 0, so a version is also its index in the stream.
            if direction.isForwards {
                guard version.value < UInt64(indexes.count) else { return [] }
                let start = Int(version.value)
                return indexes[start..<min(indexes.count, start + limit)].map { storage.log[$0] }
            }
            let last = Int(min(version.value, UInt64(indexes.count - 1)))
            let first = max(0, last - limit + 1)
            return indexes[first...last].reversed().map { storage.log[$0] }
        }
    }

    public func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [RecordedEvent] {
        storage.withLock { storage in
            var result: [RecordedEvent] = []
            var index = Int(max(position.value, 1) - 1)
            while index < storage.log.count, result.count < limit {
                let event = storage.log[index]
                if filter.matches(event) { result.append(event) }
                index += 1
            }
            return result
        }
    }

    public func currentVersion(of stream: StreamID) async throws -> StreamVersion? {
        storage.withLock { storage in
            storage.streams[stream]?.last.map { storage.log[$0].version }
        }
    }

    public func headPosition() async throws -> GlobalPosition {
        storage.withLock { GlobalPosition(UInt64($0.log.count)) }
    }

    public func subscribeToAll(from position: GlobalPosition, filter: EventFilter) -> EventSubscription {
        EventSubscription(from: position, filter: filter, pollInterval: nil, signal: signal) { [self] position, limit, filter in
            try await readAll(from: position, limit: limit, filter: filter)
        }
    }
}
