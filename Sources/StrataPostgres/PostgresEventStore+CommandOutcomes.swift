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
    var outcomeColumns: String {
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
    /// The append goes through `strata_append` like every other, but through `strata_record_command`, in one
    /// statement with the outcome's row, rather than in a group-commit batch: each keyed command costs a
    /// transaction of its own, one round trip long, and the ordering lock is never held while the client is
    /// away. Of concurrent commands with one key, the first to commit records its outcome; the others find its
    /// row, append nothing, and get the recorded outcome.
    public func recordCommandOutcome(
        _ record: CommandOutcomeRecord,
        appending append: PendingAppend?,
        replacingOutcomesBefore cutoff: Date
    ) async throws -> CommandOutcomeRecording {
        if let append, append.events.isEmpty {
            throw EventStoreError(.invalidArgument, "an append needs at least one event")
        }
        return try await spans.withAppendSpan(to: record.stream, events: append?.events.count ?? 0) {
            guard let append else {
                return try await recordAlone(record, replacingOutcomesBefore: cutoff.timeIntervalSinceReferenceDate)
            }
            return try await recordAppending(record, append, replacingOutcomesBefore: cutoff.timeIntervalSinceReferenceDate)
        }
    }

    private func recordAppending(
        _ record: CommandOutcomeRecord,
        _ append: PendingAppend,
        replacingOutcomesBefore cutoffSeconds: Double
    ) async throws -> CommandOutcomeRecording {
        let call = try PostgresAppendCall(recording: record, replacingOutcomesBefore: cutoffSeconds, appending: append, schema: schema)
        let row = try await withConnection("record the outcome of command '\(record.key)'") { [logger, prepared] connection in
            try await call.run(on: connection, prepared: prepared, logger: logger).first
        }
        guard let row else {
            throw EventStoreError(.storage, "strata_record_command returned no outcome for command '\(record.key)'")
        }
        if row.outcome == 5 {
            return .alreadyRecorded(try await recordedOutcome(record.key))
        }
        let result = try await PostgresAppendCall.resolve(append, row) { [self] ids in
            try await withConnection("read the events of an append") { [schema, logger] connection in
                try await PostgresAppendCall.storedEvents(ids, schema: schema, on: connection, logger: logger)
            }
        }
        var recorded = record
        recorded.streamVersion = result.streamVersion
        recorded.position = result.position
        guard row.outcome == 0 else {
            // The append repeats one that was made before (its event ids are stored, as it would store them):
            // nothing was appended, and its outcome is recorded on its own.
            return try await recordAlone(recorded, replacingOutcomesBefore: cutoffSeconds)
        }
        signal.notify()
        return .recorded(recorded)
    }

    /// Records the outcome of a command that appends nothing, unless its key has an unexpired outcome already.
    private func recordAlone(_ record: CommandOutcomeRecord, replacingOutcomesBefore cutoffSeconds: Double) async throws -> CommandOutcomeRecording {
        let inserted = try await withConnection("record the outcome of command '\(record.key)'") { [self] connection in
            try await insert(record, replacingOutcomesBefore: cutoffSeconds, on: connection)
        }
        guard inserted else { return .alreadyRecorded(try await recordedOutcome(record.key)) }
        return .recorded(record)
    }

    /// The outcome recorded under `key`, which a command found taken.
    private func recordedOutcome(_ key: String) async throws -> CommandOutcomeRecord {
        let stored: PostgresQuery = "\(unescaped: outcomeColumns) WHERE key = \(key)"
        guard let existing = try await fetch(stored, "read the outcome of command '\(key)'", Self.outcomeRecord(from:)).first else {
            throw EventStoreError(.storage, "the outcome recorded under key '\(key)' vanished while recording another")
        }
        return existing
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

    static func outcomeRecord(from row: PostgresRow) throws -> CommandOutcomeRecord {
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
