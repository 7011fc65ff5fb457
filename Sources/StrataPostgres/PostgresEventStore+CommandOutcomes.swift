//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata

/// Command outcomes live in `strata_command_outcomes`, one row per idempotency key.
extension PostgresEventStore: CommandOutcomeStore {
    private var outcomeColumns: String {
        "SELECT key, fingerprint, stream_id, outcome, stream_version, position, recorded_at FROM \(schema.quoted).strata_command_outcomes"
    }

    public func commandOutcome(forKey key: String, recordedSince cutoff: Date) async throws -> CommandOutcomeRecord? {
        let query: PostgresQuery =
            "\(unescaped: outcomeColumns) WHERE key = \(key) AND recorded_at >= \(cutoff.timeIntervalSinceReferenceDate)"
        return try await fetch(query, "read the outcome of command '\(key)'", Self.outcomeRecord(from:)).first
    }

    /// Records a command's outcome and appends its events in one transaction, as
    /// CommandOutcomeStore/recordCommandOutcome(_:appending:replacingOutcomesBefore:) describes.
    ///
    /// The append goes through `strata_append` like every other, but in this transaction rather than in a
    /// group-commit batch, so each keyed command costs a transaction of its own. Of concurrent commands with one
    /// key, the first to commit records its outcome; the others find its row when they insert theirs, and roll
    /// back their appends with it.
    public func recordCommandOutcome(
        _ record: CommandOutcomeRecord,
        appending append: PendingAppend?,
        replacingOutcomesBefore cutoff: Date
    ) async throws -> CommandOutcomeRecording {
        if let append, append.events.isEmpty {
            throw EventStoreError(.invalidArgument, "an append needs at least one event")
        }
        return try await spans.withAppendSpan(to: record.stream, events: append?.events.count ?? 0) {
            try await recordInTransaction(record, appending: append, replacingOutcomesBefore: cutoff)
        }
    }

    private func recordInTransaction(
        _ record: CommandOutcomeRecord,
        appending append: PendingAppend?,
        replacingOutcomesBefore cutoff: Date
    ) async throws -> CommandOutcomeRecording {
        let call = try append.map { try PostgresAppendCall([$0], schema: schema) }
        let cutoffSeconds = cutoff.timeIntervalSinceReferenceDate
        let recording: CommandOutcomeRecording
        do {
            recording = try await inTransaction("record the outcome of command '\(record.key)'") { [self] connection in
                let unexpired: PostgresQuery = "\(unescaped: outcomeColumns) WHERE key = \(record.key) AND recorded_at >= \(cutoffSeconds)"
                if let existing = try await rows(unexpired, on: connection).first {
                    return .alreadyRecorded(try Self.outcomeRecord(from: existing))
                }
                var record = record
                if let append, let call {
                    let result = try await appendInTransaction(call, append, on: connection)
                    record.streamVersion = result.streamVersion
                    record.position = result.position
                }
                guard try await insert(record, replacingOutcomesBefore: cutoffSeconds, on: connection) else {
                    // Another transaction recorded the key after the check above: its outcome stands, and this
                    // transaction's append is rolled back.
                    let stored: PostgresQuery = "\(unescaped: outcomeColumns) WHERE key = \(record.key)"
                    guard let existing = try await rows(stored, on: connection).first else {
                        throw EventStoreError(.storage, "the outcome recorded under key '\(record.key)' vanished while recording another")
                    }
                    throw KeyAlreadyRecorded(existing: try Self.outcomeRecord(from: existing))
                }
                return .recorded(record)
            }
        } catch let taken as KeyAlreadyRecorded {
            return .alreadyRecorded(taken.existing)
        }
        if append != nil, case .recorded = recording { signal.notify() }
        return recording
    }

    @discardableResult
    public func purgeCommandOutcomes(recordedBefore cutoff: Date) async throws -> Int {
        let query: PostgresQuery = """
            WITH purged AS (
                DELETE FROM \(unescaped: schema.quoted).strata_command_outcomes
                WHERE recorded_at < \(cutoff.timeIntervalSinceReferenceDate) RETURNING 1
            )
            SELECT count(*) FROM purged
            """
        return try await fetch(query, "purge command outcomes") { Int(try $0.decode(Int64.self)) }.first ?? 0
    }

    /// Rolls back a transaction whose key another one recorded first.
    private struct KeyAlreadyRecorded: Error {
        var existing: CommandOutcomeRecord
    }

    /// Appends on the transaction's connection, resolving the outcome as group commit does.
    private func appendInTransaction(
        _ call: PostgresAppendCall,
        _ request: PendingAppend,
        on connection: PostgresConnection
    ) async throws -> AppendResult {
        guard let outcome = try await call.run(on: connection, logger: logger).first else {
            throw EventStoreError(.storage, "strata_append returned no outcome for an append to '\(request.stream)'")
        }
        return try await PostgresAppendCall.resolve(request, outcome) { [schema, logger] ids in
            try await PostgresAppendCall.storedEvents(ids, schema: schema, on: connection, logger: logger)
        }
    }

    /// Inserts `record`, or replaces an outcome under its key recorded before the cutoff; returns `false` when an
    /// unexpired outcome holds the key.
    ///
    /// The insert waits for a concurrent transaction that holds the key to end, then sees its row.
    private func insert(
        _ record: CommandOutcomeRecord,
        replacingOutcomesBefore cutoffSeconds: Double,
        on connection: PostgresConnection
    ) async throws -> Bool {
        let query: PostgresQuery = """
            INSERT INTO \(unescaped: schema.quoted).strata_command_outcomes AS o
                (key, fingerprint, stream_id, outcome, stream_version, position, recorded_at)
            VALUES (\(record.key), \(record.fingerprint), \(record.stream.rawValue), \(ByteBuffer(bytes: record.outcome)),
                    \(record.streamVersion.map { Int64(clamping: $0.value) }), \(Int64(clamping: record.position.value)),
                    \(record.recordedAt.timeIntervalSinceReferenceDate))
            ON CONFLICT (key) DO UPDATE SET
                fingerprint = EXCLUDED.fingerprint, stream_id = EXCLUDED.stream_id, outcome = EXCLUDED.outcome,
                stream_version = EXCLUDED.stream_version, position = EXCLUDED.position, recorded_at = EXCLUDED.recorded_at
            WHERE o.recorded_at < \(cutoffSeconds)
            RETURNING 1
            """
        let inserted = try await rows(query, on: connection)
        return !inserted.isEmpty
    }

    private static func outcomeRecord(from row: PostgresRow) throws -> CommandOutcomeRecord {
        let (key, fingerprint, streamText, outcome, version, position, recordedAt) = try row.decode(
            (String, String, String, ByteBuffer, Int64?, Int64, Double).self
        )
        guard let stream = try? StreamID(streamText) else {
            throw EventStoreError(.corruptEvent, "the outcome of command '\(key)' has a malformed stream id")
        }
        return CommandOutcomeRecord(
            key: key,
            fingerprint: fingerprint,
            stream: stream,
            outcome: Data(outcome.readableBytesView),
            streamVersion: version.map { StreamVersion(UInt64(max(0, $0))) },
            position: GlobalPosition(UInt64(max(0, position))),
            recordedAt: Date(timeIntervalSinceReferenceDate: recordedAt)
        )
    }
}
