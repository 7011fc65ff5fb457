//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB

/// The bare-GRDB baseline: a DatabasePool in WAL mode with `synchronous=FULL`, as Strata's SQLite store.
struct SQLiteRawTable: RawEventTable {
    let pool: DatabasePool

    init(path: String) throws {
        pool = try DatabasePool(path: path)
        // GRDB turns synchronous to NORMAL when it switches to WAL, after any prepareDatabase hook; only the
        // writer commits, so setting it on the writer afterwards is what makes commits durable.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try pool.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS events (
                        position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, stream_version INTEGER NOT NULL,
                        event_id TEXT NOT NULL, event_type TEXT NOT NULL, category TEXT NOT NULL, data BLOB NOT NULL,
                        correlation_id TEXT, causation_id TEXT, metadata BLOB, recorded_at REAL NOT NULL);
                    CREATE UNIQUE INDEX IF NOT EXISTS events_stream ON events (stream_id, stream_version);
                    CREATE UNIQUE INDEX IF NOT EXISTS events_event_id ON events (event_id);
                    CREATE INDEX IF NOT EXISTS events_category ON events (category, position);
                    CREATE INDEX IF NOT EXISTS events_type ON events (event_type, position);
                    """
            )
        }
    }

    func append(_ events: [(type: String, data: Data)], to stream: String, firstVersion: Int64) async throws {
        try await pool.write { db in
            let statement = try db.cachedStatement(
                sql: "INSERT INTO events (stream_id, stream_version, event_id, event_type, category, data, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            )
            let now = Date().timeIntervalSince1970
            for (offset, event) in events.enumerated() {
                try statement.execute(arguments: [
                    stream, firstVersion + Int64(offset), UUID.timeOrdered().uuidString, event.type, "account", event.data, now,
                ])
            }
        }
    }

    func readStream(_ stream: String) async throws -> [RawEvent] {
        try await pool.read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT position, stream_version, event_type, data FROM events WHERE stream_id = ? ORDER BY stream_version"
            )
            return try Row.fetchAll(statement, arguments: [stream]).map { RawEvent(position: $0[0], version: $0[1], type: $0[2], data: $0[3]) }
        }
    }

    func readPage(after position: Int64, limit: Int) async throws -> [RawEvent] {
        try await pool.read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT position, stream_version, event_type, data FROM events WHERE position > ? ORDER BY position LIMIT ?"
            )
            return try Row.fetchAll(statement, arguments: [position, limit]).map {
                RawEvent(position: $0[0], version: $0[1], type: $0[2], data: $0[3])
            }
        }
    }
}
