//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Synchronization

/// An in-memory event store that can be told to fail: every append conflicts, or the database is "down".
final class FaultyEventStore: EventStore {
    enum Fault: Sendable {
        case none
        /// Every append reports a concurrent writer, so that command retries run out.
        case conflictOnAppend
        /// Every call fails as a lost database connection does.
        case unavailable
        /// Every call fails as a corrupt database does, in words that name its file and its SQL.
        case broken
    }

    /// What a `broken` store says, which must reach the log only.
    static let brokenWords = "SQLITE_CORRUPT: database disk image is malformed (SELECT data FROM events) in /var/lib/strata/events.sqlite"

    let base = InMemoryEventStore()
    private let fault = Mutex(Fault.none)

    func inject(_ fault: Fault) { self.fault.withLock { $0 = fault } }

    fileprivate func check() throws {
        switch fault.withLock({ $0 }) {
        case .unavailable: throw EventStoreError(.unavailable, "the database connection was lost")
        case .broken: throw EventStoreError(.storage, Self.brokenWords)
        case .none, .conflictOnAppend: break
        }
    }

    func append(_ events: [NewEvent], to stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        try check()
        if fault.withLock({ $0 }) == .conflictOnAppend {
            throw WrongExpectedVersion(stream: stream, expected: expected, actual: try await base.currentVersion(of: stream))
        }
        return try await base.append(events, to: stream, expecting: expected)
    }

    func readStream(_ stream: StreamID, from version: StreamVersion, direction: ReadDirection, limit: Int) async throws -> [RecordedEvent] {
        try check()
        return try await base.readStream(stream, from: version, direction: direction, limit: limit)
    }

    func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [RecordedEvent] {
        try check()
        return try await base.readAll(from: position, limit: limit, filter: filter)
    }

    func currentVersion(of stream: StreamID) async throws -> StreamVersion? {
        try check()
        return try await base.currentVersion(of: stream)
    }

    func headPosition() async throws -> GlobalPosition {
        try check()
        return try await base.headPosition()
    }

    func subscribeToAll(from position: GlobalPosition, filter: EventFilter) -> EventSubscription {
        base.subscribeToAll(from: position, filter: filter).transformingPages { [self] page in
            try check()
            return page
        }
    }

    func deleteStream(_ stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        try check()
        return try await base.deleteStream(stream, expecting: expected)
    }

    func truncateStream(_ stream: StreamID, before version: StreamVersion) async throws {
        try check()
        try await base.truncateStream(stream, before: version)
    }
}

extension FaultyEventStore: CommandOutcomeStore {
    func commandOutcome(forKey key: String, recordedSince cutoff: Date) async throws -> CommandOutcomeRecord? {
        try check()
        return try await base.commandOutcome(forKey: key, recordedSince: cutoff)
    }

    func recordCommandOutcome(
        _ record: CommandOutcomeRecord,
        appending append: PendingAppend?,
        replacingOutcomesBefore cutoff: Date
    ) async throws -> CommandOutcomeRecording {
        try check()
        return try await base.recordCommandOutcome(record, appending: append, replacingOutcomesBefore: cutoff)
    }

    func purgeCommandOutcomes(recordedBefore cutoff: Date) async throws -> Int {
        try await base.purgeCommandOutcomes(recordedBefore: cutoff)
    }
}

extension FaultyEventStore: StreamCatalog {
    func listStreams(category: String?, prefix: String?, after: StreamID?, limit: Int) async throws -> [StreamSummary] {
        try check()
        return try await base.listStreams(category: category, prefix: prefix, after: after, limit: limit)
    }

    func statistics() async throws -> EventStoreStatistics {
        try check()
        return try await base.statistics()
    }

    func listCategories(after: String?, limit: Int) async throws -> [CategorySummary] {
        try check()
        return try await base.listCategories(after: after, limit: limit)
    }

    func event(id: UUID) async throws -> RecordedEvent? {
        try check()
        return try await base.event(id: id)
    }

    func recordingTimes(since: Date, amongLast limit: Int) async throws -> [Date] {
        try check()
        return try await base.recordingTimes(since: since, amongLast: limit)
    }

    func events(correlatedWith correlationID: String, from position: GlobalPosition, limit: Int) async throws -> [RecordedEvent] {
        try check()
        return try await base.events(correlatedWith: correlationID, from: position, limit: limit)
    }
}
