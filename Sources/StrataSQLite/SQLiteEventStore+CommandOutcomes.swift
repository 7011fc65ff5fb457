//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Strata

extension SQLiteEventStore: CommandOutcomeStore {
    public func commandOutcome(forKey key: String, recordedSince cutoff: Date) async throws -> CommandOutcomeRecord? {
        try await storageAccess {
            try await pool.read { db in try Self.commandOutcome(forKey: key, recordedSince: cutoff, in: db) }
        }
    }

    // Runs through group commit, like an append, so that keyed commands share flushes with every other write.
    // The outcome and its events are one savepoint of the batch's transaction: both commit or neither.
    public func recordCommandOutcome(
        _ record: CommandOutcomeRecord,
        appending append: PendingAppend?,
        replacingOutcomesBefore cutoff: Date
    ) async throws -> CommandOutcomeRecording {
        try await spans.withAppendSpan(to: record.stream, events: append?.events.count ?? 0) {
            switch try await commits.submit(.recordOutcome(record, appending: append, replacingBefore: cutoff)) {
            case .outcome(let recording, _): return recording
            case .appended: preconditionFailure("the writer answered a command outcome with an append")
            }
        }
    }

    @discardableResult
    public func purgeCommandOutcomes(recordedBefore cutoff: Date) async throws -> Int {
        try await storageAccess {
            try await pool.write { db in
                try db.execute(
                    sql: "DELETE FROM strata_command_outcomes WHERE recorded_at < ?",
                    arguments: [cutoff.timeIntervalSinceReferenceDate]
                )
                return db.changesCount
            }
        }
    }

    /// The unexpired outcome under `key`, read inside whatever transaction `db` is in.
    static func commandOutcome(forKey key: String, recordedSince cutoff: Date, in db: Database) throws -> CommandOutcomeRecord? {
        let statement = try db.cachedStatement(
            sql: """
                SELECT fingerprint, stream_id, outcome, stream_version, position, recorded_at
                FROM strata_command_outcomes WHERE key = ? AND recorded_at >= ?
                """
        )
        guard let row = try Row.fetchOne(statement, arguments: [key, cutoff.timeIntervalSinceReferenceDate]) else {
            return nil
        }
        let stream: StreamID
        do {
            stream = try StreamID(row[1] as String)
        } catch {
            throw EventStoreError(.corruptEvent, "the command outcome under key '\(key)' has a malformed stream id", underlying: error)
        }
        let version: Int64? = row[3]
        return CommandOutcomeRecord(
            key: key,
            fingerprint: row[0],
            stream: stream,
            outcome: row[2],
            streamVersion: version.map { StreamVersion(UInt64(clamping: $0)) },
            position: GlobalPosition(UInt64(clamping: row[4] as Int64)),
            recordedAt: Date(timeIntervalSinceReferenceDate: row[5])
        )
    }
}

extension SQLiteAppendWriter {
    /// Records a command's outcome with its events, inside the batch's transaction: an unexpired outcome under
    /// the key wins and nothing is written; otherwise the append and the outcome are written together or not at all.
    func recordOutcome(
        _ record: CommandOutcomeRecord,
        appending append: PendingAppend?,
        replacingBefore cutoff: Date,
        recordedAt: Double,
        in db: Database
    ) throws -> CommandOutcomeRecording {
        // The batch holds the write lock, so no other writer can record the key between this check and the insert.
        if let existing = try SQLiteEventStore.commandOutcome(forKey: record.key, recordedSince: cutoff, in: db) {
            return .alreadyRecorded(existing)
        }
        return try withSavepoint("strata_write", in: db) {
            var record = record
            if let append {
                let result = try self.append(append, recordedAt: recordedAt, in: db)
                record.streamVersion = result.streamVersion
                record.position = result.position
            }
            // REPLACE drops an expired outcome under the same key.
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO strata_command_outcomes
                        (key, fingerprint, stream_id, outcome, stream_version, position, recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                record.key,
                record.fingerprint,
                record.stream.rawValue,
                record.outcome,
                record.streamVersion.map { Int64(clamping: $0.value) },
                Int64(clamping: record.position.value),
                record.recordedAt.timeIntervalSinceReferenceDate,
            ])
            return .recorded(record)
        }
    }
}
