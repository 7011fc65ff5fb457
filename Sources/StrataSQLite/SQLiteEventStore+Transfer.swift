//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Strata

extension SQLiteEventStore: LogTransfer {
    public func streamRecords(after stream: StreamID?, limit: Int) async throws -> [StreamRecord] {
        try await storageAccess {
            try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT stream_id, truncate_before, deleted FROM strata_streams WHERE stream_id > ? ORDER BY stream_id LIMIT ?",
                    arguments: [stream?.rawValue ?? "", max(0, limit)]
                ).map { row in
                    StreamRecord(
                        stream: try StreamID(row[0] as String),
                        truncateBefore: StreamVersion(UInt64(clamping: row[1] as Int64)),
                        isDeleted: (row[2] as Int64) != 0
                    )
                }
            }
        }
    }

    public func importEvents(_ events: [RecordedEvent]) async throws {
        guard let first = events.first else { return }
        try LogTransferRules.checkContiguous(events)
        try await storageAccess {
            try await pool.write { db in
                let head = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(position), 0) FROM strata_events") ?? 0
                try LogTransferRules.checkFollows(head: UInt64(clamping: head), first: first)
                let statement = try db.cachedStatement(
                    sql: """
                        INSERT INTO strata_events
                            (position, stream_id, stream_version, event_id, event_type, category, data, correlation_id, causation_id,
                             metadata, recorded_at, schema_version)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                )
                for event in events {
                    guard let position = Int64(exactly: event.position.value), let version = Int64(exactly: event.version.value) else {
                        throw EventStoreError(.invalidArgument, "event \(event.id) has a position or version beyond SQLite's integers")
                    }
                    do {
                        try statement.execute(arguments: [
                            position, event.stream.rawValue, version, event.id.uuidString, event.type, event.stream.category, event.data,
                            event.metadata.correlationID, event.metadata.causationID, try MetadataColumn.encode(event.metadata.custom),
                            event.recordedAt.timeIntervalSince1970, event.schemaVersion,
                        ])
                    } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                        throw EventStoreError(
                            .invalidArgument,
                            "event \(event.id) (\(event.stream) version \(event.version)) is already in the store, or its version is taken",
                            underlying: error
                        )
                    }
                }
            }
        }
        signal.notify()
    }

    public func importStreamRecords(_ records: [StreamRecord]) async throws {
        try await storageAccess {
            try await pool.write { db in
                for record in records {
                    try db.execute(
                        sql: """
                            INSERT INTO strata_streams (stream_id, truncate_before, deleted) VALUES (?, ?, ?)
                            ON CONFLICT (stream_id) DO UPDATE SET truncate_before = excluded.truncate_before, deleted = excluded.deleted
                            """,
                        arguments: [record.stream.rawValue, Int64(clamping: record.truncateBefore.value), record.isDeleted ? 1 : 0]
                    )
                }
            }
        }
    }
}
