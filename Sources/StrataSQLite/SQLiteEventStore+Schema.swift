//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import GRDB

extension SQLiteEventStore {
    /// The versioned schema. Migrations only ever add: a released one is never edited.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("strata-events-v1") { db in
            // `position` aliases the rowid: SQLite numbers rows max+1 inside the single write transaction,
            // so positions follow commit order and a rolled-back append leaves no hole.
            try db.execute(
                sql: """
                    CREATE TABLE strata_events (
                        position INTEGER PRIMARY KEY,
                        stream_id TEXT NOT NULL,
                        stream_version INTEGER NOT NULL,
                        event_id TEXT NOT NULL,
                        event_type TEXT NOT NULL,
                        category TEXT NOT NULL,
                        data BLOB NOT NULL,
                        correlation_id TEXT,
                        causation_id TEXT,
                        metadata BLOB,
                        recorded_at REAL NOT NULL
                    );
                    CREATE UNIQUE INDEX strata_events_stream ON strata_events (stream_id, stream_version);
                    CREATE UNIQUE INDEX strata_events_event_id ON strata_events (event_id);
                    CREATE INDEX strata_events_category ON strata_events (category, position);
                    CREATE INDEX strata_events_type ON strata_events (event_type, position);
                    """
            )
        }
        return migrator
    }
}
