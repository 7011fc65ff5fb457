//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// The rule for an append that repeats event ids already in the log, shared by every backend.
///
/// A repeated append is a retry when every one of its events is stored, in order, at consecutive versions of
/// the same stream, and the append's expectation fits where they were stored: it then returns the original
/// result and writes nothing. Any other reuse of an id is an error.
public enum IdempotentAppend {
    /// Where an event with one of the append's ids is stored.
    public struct StoredEvent: Sendable {
        public var id: UUID
        public var stream: StreamID
        public var version: StreamVersion
        public var position: GlobalPosition

        public init(id: UUID, stream: StreamID, version: StreamVersion, position: GlobalPosition) {
            self.id = id
            self.stream = stream
            self.version = version
            self.position = position
        }
    }

    /// Decides the outcome of an append some of whose event ids are already stored.
    ///
    /// - Parameters:
    ///   - events: The events of the append.
    ///   - stream: The stream appended to.
    ///   - expected: The append's expectation.
    ///   - stored: The stored events whose ids appear in `events`, in any order.
    /// - Returns: The original result when the append is a retry of one that succeeded; `nil` when no id is
    ///   stored, so the append proceeds as usual.
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/duplicateEventID`` for any other reuse.
    public static func resolve(
        _ events: [NewEvent],
        to stream: StreamID,
        expecting expected: ExpectedVersion,
        stored: [StoredEvent]
    ) throws -> AppendResult? {
        guard let firstStored = stored.first else { return nil }
        let byID = Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        guard let first = byID[events[0].id], first.stream == stream else {
            throw duplicate(firstStored)
        }
        var last = first
        for (offset, event) in events.enumerated() {
            guard let match = byID[event.id] else {
                throw EventStoreError(.duplicateEventID, "event \(firstStored.id) is already stored, but event \(event.id) of the same append is not")
            }
            guard match.stream == stream, match.version.value == first.version.value + UInt64(offset) else {
                throw duplicate(match)
            }
            last = match
        }
        let fits: Bool
        switch expected.kind {
        case .any, .streamExists: fits = true
        case .noStream: fits = first.version == .first
        case .exactly(let version): fits = first.version == version.next
        }
        guard fits else {
            throw EventStoreError(
                .duplicateEventID,
                "events \(first.id)… are already stored in '\(stream)' from version \(first.version), which expected version \(expected) does not fit"
            )
        }
        return AppendResult(streamVersion: last.version, position: last.position)
    }

    /// Throws ``EventStoreError`` with code ``EventStoreError/Code/duplicateEventID`` when `events` hold one id
    /// twice: no log can store both, and neither is a retry of the other.
    public static func requireDistinctIDs(_ events: [NewEvent]) throws {
        // Most appends are a few events, for which comparing every pair costs less than building a set.
        if events.count <= 16 {
            for later in events.indices.dropFirst() where events[..<later].contains(where: { $0.id == events[later].id }) {
                throw repeated(events[later].id)
            }
            return
        }
        var seen = Set<UUID>(minimumCapacity: events.count)
        for event in events where !seen.insert(event.id).inserted {
            throw repeated(event.id)
        }
    }

    private static func repeated(_ id: UUID) -> EventStoreError {
        EventStoreError(.duplicateEventID, "an append must not repeat an event id: \(id) is in it twice")
    }

    private static func duplicate(_ stored: StoredEvent) -> EventStoreError {
        EventStoreError(.duplicateEventID, "event id \(stored.id) is already stored in stream '\(stored.stream)' at version \(stored.version)")
    }
}
