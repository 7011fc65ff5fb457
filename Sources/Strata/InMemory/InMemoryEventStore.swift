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
/// It keeps every promise of ``EventStore``, and is also the ``SnapshotStore``, ``CommandOutcomeStore``,
/// ``SubjectKeyStore`` and ``ProcessManagerStore`` of its events; its contents are lost when it is released.
public final class InMemoryEventStore: EventStore {
    let storage = Mutex(InMemoryStorage())
    let signal = AppendSignal()

    public init() {}

    public func append(_ events: [NewEvent], to stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        let result = try storage.withLock { storage in
            try storage.append(PendingAppend(events: events, stream: stream, expected: expected), at: Date())
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
            let visibleFrom = Int(storage.lifecycle[stream]?.truncateBefore ?? 0)
            if direction.isForwards {
                let start = max(visibleFrom, Int(clamping: version.value))
                guard start < indexes.count else { return [] }
                return indexes[start..<min(indexes.count, start + limit)].map { storage.log[$0] }
            }
            let last = Int(min(version.value, UInt64(indexes.count - 1)))
            let first = max(visibleFrom, last - limit + 1)
            guard first <= last else { return [] }
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
        storage.withLock { $0.currentVersion(of: stream) }
    }

    public func headPosition() async throws -> GlobalPosition {
        storage.withLock { GlobalPosition(UInt64($0.log.count)) }
    }

    public func subscribeToAll(from position: GlobalPosition, filter: EventFilter) -> EventSubscription {
        EventSubscription(from: position, filter: filter, pollInterval: nil, signal: signal) { [self] position, limit, filter in
            try await readAll(from: position, limit: limit, filter: filter)
        }
    }

    @discardableResult
    public func deleteStream(_ stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        let result = try storage.withLock { storage in
            let deletion = PendingAppend(events: [StreamLifecycle.deletionEvent()], stream: stream, expected: expected)
            let result = try storage.append(deletion, at: Date())
            storage.lifecycle[stream] = InMemoryStorage.Lifecycle(truncateBefore: result.streamVersion.value + 1, deleted: true)
            return result
        }
        signal.notify()
        return result
    }

    public func truncateStream(_ stream: StreamID, before version: StreamVersion) async throws {
        try storage.withLock { storage in
            guard let last = storage.streams[stream]?.count else {
                throw EventStoreError(.invalidArgument, "cannot truncate stream '\(stream)': it does not exist")
            }
            var lifecycle = storage.lifecycle[stream] ?? InMemoryStorage.Lifecycle()
            guard !lifecycle.deleted else {
                throw EventStoreError(.streamDeleted, "cannot truncate stream '\(stream)': it is deleted")
            }
            guard version.value <= UInt64(last) else {
                throw EventStoreError(.invalidArgument, "cannot truncate stream '\(stream)' before version \(version): it ends at \(last - 1)")
            }
            lifecycle.truncateBefore = max(lifecycle.truncateBefore, version.value)
            storage.lifecycle[stream] = lifecycle
        }
    }
}
