//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Strata

extension SQLiteEventStore: SnapshotStore {
    public func saveSnapshot(_ snapshot: Snapshot) async throws {
        try await storageAccess {
            try await pool.write { db in
                // One statement, so two writers racing cannot both pass the check: the upsert's WHERE keeps a
                // newer snapshot of the same schema version.
                try db.execute(
                    sql: """
                        INSERT INTO strata_snapshots (stream_id, kind, version, position, schema_version, data, taken_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (kind, stream_id) DO UPDATE SET
                            version = excluded.version, position = excluded.position, schema_version = excluded.schema_version,
                            data = excluded.data, taken_at = excluded.taken_at
                        WHERE strata_snapshots.schema_version != excluded.schema_version
                            OR strata_snapshots.version <= excluded.version
                        """,
                    arguments: [
                        snapshot.stream.rawValue,
                        snapshot.kind,
                        Int64(clamping: snapshot.version.value),
                        Int64(clamping: snapshot.position.value),
                        snapshot.schemaVersion,
                        snapshot.data,
                        snapshot.takenAt.timeIntervalSinceReferenceDate,
                    ]
                )
            }
        }
    }

    public func snapshot(of stream: StreamID, kind: String) async throws -> Snapshot? {
        try await storageAccess {
            try await pool.read { db in
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT version, position, schema_version, data, taken_at FROM strata_snapshots WHERE kind = ? AND stream_id = ?"
                    ),
                    arguments: [kind, stream.rawValue]
                )
                return row.map { row in
                    Snapshot(
                        stream: stream,
                        kind: kind,
                        version: StreamVersion(UInt64(clamping: row[0] as Int64)),
                        position: GlobalPosition(UInt64(clamping: row[1] as Int64)),
                        schemaVersion: row[2],
                        data: row[3],
                        takenAt: Date(timeIntervalSinceReferenceDate: row[4])
                    )
                }
            }
        }
    }

    @discardableResult
    public func deleteSnapshots(kind: String?) async throws -> Int {
        try await storageAccess {
            try await pool.write { db in
                if let kind {
                    try db.execute(sql: "DELETE FROM strata_snapshots WHERE kind = ?", arguments: [kind])
                } else {
                    try db.execute(sql: "DELETE FROM strata_snapshots")
                }
                return db.changesCount
            }
        }
    }

    @discardableResult
    public func deleteSnapshots(of stream: StreamID) async throws -> Int {
        try await storageAccess {
            try await pool.write { db in
                try db.execute(sql: "DELETE FROM strata_snapshots WHERE stream_id = ?", arguments: [stream.rawValue])
                return db.changesCount
            }
        }
    }
}
