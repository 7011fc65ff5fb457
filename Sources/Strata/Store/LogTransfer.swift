//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// The record a store keeps beside a truncated or deleted stream's events: where its reads start, and whether
/// it is deleted.
public struct StreamRecord: Hashable, Sendable {
    /// The stream.
    public var stream: StreamID
    /// The first version stream reads return.
    public var truncateBefore: StreamVersion
    /// Whether the stream is deleted.
    public var isDeleted: Bool

    public init(stream: StreamID, truncateBefore: StreamVersion, isDeleted: Bool) {
        self.stream = stream
        self.truncateBefore = truncateBefore
        self.isDeleted = isDeleted
    }
}

/// A store whose log can be written out and written into another store exactly as it was recorded: events with
/// their positions, ids, versions, metadata and recording times, and the records of truncated and deleted
/// streams. What `strata export` and `strata import` use.
public protocol LogTransfer: EventStore {
    /// The records of truncated and deleted streams, in stream id order, a page at a time.
    func streamRecords(after stream: StreamID?, limit: Int) async throws -> [StreamRecord]

    /// Writes events recorded by another store, as they were recorded, in one transaction.
    ///
    /// - Parameter events: Events in position order, the first at the position after the store's head and each
    ///   at the next position.
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/invalidArgument`` when the positions do not
    ///   continue the store's log, or a version or an event id is already taken; nothing is written then.
    func importEvents(_ events: [RecordedEvent]) async throws

    /// Writes stream records, replacing any the store has for those streams.
    func importStreamRecords(_ records: [StreamRecord]) async throws
}

/// The checks every LogTransfer backend makes before it writes imported events.
public enum LogTransferRules {
    /// Throws unless each event is at the position after the one before.
    public static func checkContiguous(_ events: [RecordedEvent]) throws {
        for (previous, next) in zip(events, events.dropFirst()) where next.position.value != previous.position.value &+ 1 {
            throw EventStoreError(
                .invalidArgument,
                "imported events must have consecutive positions: \(next.position.value) follows \(previous.position.value)"
            )
        }
    }

    /// Throws unless `first` is at the position after the store's `head`.
    public static func checkFollows(head: UInt64, first: RecordedEvent) throws {
        guard first.position.value == head &+ 1 else {
            throw EventStoreError(
                .invalidArgument,
                "the imported events start at position \(first.position.value), but the store's log ends at \(head)"
            )
        }
    }
}
