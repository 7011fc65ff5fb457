//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Strata

extension SQLiteEventStore: CommandStateTransfer {
    public func snapshots(after cursor: SnapshotCursor?, limit: Int) async throws -> [Snapshot] {
        try await storageAccess {
            try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT kind, stream_id, version, position, schema_version, data, taken_at FROM strata_snapshots
                        WHERE (kind, stream_id) > (?, ?) ORDER BY kind, stream_id LIMIT ?
                        """,
                    arguments: [cursor?.kind ?? "", cursor?.stream.rawValue ?? "", max(0, limit)]
                ).map { row in
                    let kind: String = row[0]
                    guard let stream = try? StreamID(row[1] as String) else {
                        throw EventStoreError(.corruptEvent, "a snapshot of kind '\(kind)' has a malformed stream id")
                    }
                    return Snapshot(
                        stream: stream,
                        kind: kind,
                        version: StreamVersion(UInt64(clamping: row[2] as Int64)),
                        position: GlobalPosition(UInt64(clamping: row[3] as Int64)),
                        schemaVersion: row[4],
                        data: row[5],
                        takenAt: Date(timeIntervalSinceReferenceDate: row[6])
                    )
                }
            }
        }
    }

    public func importSnapshots(_ snapshots: [Snapshot]) async throws {
        try await storageAccess {
            try await pool.write { db in
                for snapshot in snapshots {
                    try db.execute(
                        sql: """
                            INSERT OR REPLACE INTO strata_snapshots (stream_id, kind, version, position, schema_version, data, taken_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            snapshot.stream.rawValue, snapshot.kind, Int64(clamping: snapshot.version.value),
                            Int64(clamping: snapshot.position.value), snapshot.schemaVersion, snapshot.data,
                            snapshot.takenAt.timeIntervalSinceReferenceDate,
                        ]
                    )
                }
            }
        }
    }

    public func commandOutcomes(after key: String?, limit: Int) async throws -> [CommandOutcomeRecord] {
        try await storageAccess {
            try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT key, fingerprint, stream_id, outcome, stream_version, position, recorded_at
                        FROM strata_command_outcomes WHERE key > ? ORDER BY key LIMIT ?
                        """,
                    arguments: [key ?? "", max(0, limit)]
                ).map { row in
                    let key: String = row[0]
                    guard let stream = try? StreamID(row[2] as String) else {
                        throw EventStoreError(.corruptEvent, "the outcome of command '\(key)' has a malformed stream id")
                    }
                    return CommandOutcomeRecord(
                        key: key,
                        fingerprint: row[1],
                        stream: stream,
                        outcome: row[3],
                        streamVersion: (row[4] as Int64?).map { StreamVersion(UInt64(clamping: $0)) },
                        position: GlobalPosition(UInt64(clamping: row[5] as Int64)),
                        recordedAt: Date(timeIntervalSinceReferenceDate: row[6])
                    )
                }
            }
        }
    }

    public func importCommandOutcomes(_ records: [CommandOutcomeRecord]) async throws {
        try await storageAccess {
            try await pool.write { db in
                for record in records {
                    try db.execute(
                        sql: """
                            INSERT OR REPLACE INTO strata_command_outcomes
                                (key, fingerprint, stream_id, outcome, stream_version, position, recorded_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            record.key, record.fingerprint, record.stream.rawValue, record.outcome,
                            record.streamVersion.map { Int64(clamping: $0.value) }, Int64(clamping: record.position.value),
                            record.recordedAt.timeIntervalSinceReferenceDate,
                        ]
                    )
                }
            }
        }
    }
}
