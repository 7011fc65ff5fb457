//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import GRDB

extension SQLiteReadStore {
    /// The versioned schema of the registry tables. Migrations only ever add: a released one is never edited.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("strata-read-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE strata_projections (
                        name TEXT PRIMARY KEY NOT NULL,
                        active_generation INTEGER NOT NULL,
                        active_version INTEGER NOT NULL,
                        active_position INTEGER NOT NULL,
                        active_schema_version INTEGER NOT NULL,
                        rebuild_generation INTEGER,
                        rebuild_version INTEGER,
                        rebuild_position INTEGER,
                        rebuild_schema_version INTEGER,
                        updated_at REAL NOT NULL
                    );
                    CREATE TABLE strata_parked_events (
                        projection TEXT NOT NULL,
                        generation INTEGER NOT NULL,
                        position INTEGER NOT NULL,
                        stream_id TEXT NOT NULL,
                        stream_version INTEGER NOT NULL,
                        event_id TEXT NOT NULL,
                        event_type TEXT NOT NULL,
                        data BLOB NOT NULL,
                        metadata BLOB,
                        recorded_at REAL NOT NULL,
                        error TEXT NOT NULL,
                        attempts INTEGER NOT NULL,
                        parked_at REAL NOT NULL,
                        PRIMARY KEY (projection, generation, position)
                    ) WITHOUT ROWID;
                    CREATE INDEX strata_parked_events_stream ON strata_parked_events (projection, generation, stream_id);
                    CREATE TABLE strata_document_collections (
                        name TEXT PRIMARY KEY NOT NULL,
                        indexes TEXT NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("strata-read-v2-reports") { db in
            // What the runner last reported, for operators reading the registry without the running process.
            try db.execute(
                sql: """
                    ALTER TABLE strata_projections ADD COLUMN report_state TEXT;
                    ALTER TABLE strata_projections ADD COLUMN report_error TEXT;
                    ALTER TABLE strata_projections ADD COLUMN report_node TEXT;
                    ALTER TABLE strata_projections ADD COLUMN reported_at REAL;
                    """
            )
        }
        migrator.registerMigration("strata-read-v3-parked-schema-version") { db in
            // A parked event is a copy of the recorded one, so a replay upcasts it from the shape it was stored in.
            try db.execute(sql: "ALTER TABLE strata_parked_events ADD COLUMN schema_version INTEGER NOT NULL DEFAULT 1")
        }
        return migrator
    }

    /// `name` quoted as a SQL identifier.
    static func quoted(_ name: String) -> String {
        // Every read builds its statement's SQL with this; Foundation's searching and replacing cost more than the read.
        guard name.utf8.contains(UInt8(ascii: "\"")) else { return "\"\(name)\"" }
        return "\"\(name.replacingOccurrences(of: "\"", with: "\"\""))\""
    }
}
