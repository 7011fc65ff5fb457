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
        migrator.registerMigration("strata-events-v2-command-side") { db in
            // Times in these tables are seconds since 2001-01-01 (Foundation's reference date), unlike the Unix
            // seconds of strata_events.recorded_at: only that way does a caller's Date come back bit for bit, and
            // snapshots and scheduled commands are compared exactly.
            //
            // strata_streams has a row only for a stream that was truncated or deleted, so the lookup every append
            // makes in it stays small. A NULL subject key means the subject was forgotten. A scheduled command's
            // status is 0 pending, 1 completed, 2 cancelled.
            try db.execute(
                sql: """
                    ALTER TABLE strata_events ADD COLUMN schema_version INTEGER NOT NULL DEFAULT 1;
                    CREATE TABLE strata_streams (
                        stream_id TEXT PRIMARY KEY NOT NULL,
                        truncate_before INTEGER NOT NULL DEFAULT 0,
                        deleted INTEGER NOT NULL DEFAULT 0
                    ) WITHOUT ROWID;
                    CREATE TABLE strata_snapshots (
                        stream_id TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        position INTEGER NOT NULL,
                        schema_version INTEGER NOT NULL,
                        data BLOB NOT NULL,
                        taken_at REAL NOT NULL,
                        PRIMARY KEY (kind, stream_id)
                    );
                    CREATE TABLE strata_command_outcomes (
                        key TEXT PRIMARY KEY NOT NULL,
                        fingerprint TEXT NOT NULL,
                        stream_id TEXT NOT NULL,
                        outcome BLOB NOT NULL,
                        stream_version INTEGER,
                        position INTEGER NOT NULL,
                        recorded_at REAL NOT NULL
                    );
                    CREATE INDEX strata_command_outcomes_recorded_at ON strata_command_outcomes (recorded_at);
                    CREATE TABLE strata_subject_keys (
                        subject TEXT PRIMARY KEY NOT NULL,
                        key BLOB,
                        created_at REAL NOT NULL,
                        forgotten_at REAL
                    ) WITHOUT ROWID;
                    CREATE TABLE strata_process_checkpoints (
                        name TEXT PRIMARY KEY NOT NULL,
                        position INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE strata_scheduled_commands (
                        id TEXT PRIMARY KEY NOT NULL,
                        owner TEXT NOT NULL,
                        process_id TEXT NOT NULL,
                        name TEXT NOT NULL,
                        due_at REAL NOT NULL,
                        command BLOB NOT NULL,
                        correlation_id TEXT,
                        causation_id TEXT,
                        metadata BLOB,
                        status INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE INDEX strata_scheduled_commands_due ON strata_scheduled_commands (owner, status, due_at);
                    """
            )
        }
        migrator.registerMigration("strata-secrets-v3") { db in
            // Secrets of the store as a whole, such as the one keyed digests of personal data use
            // (SubjectKeyStore/digestSecret()); kept beside the subject keys, in the same file.
            try db.execute(
                sql: """
                    CREATE TABLE strata_secrets (
                        name TEXT PRIMARY KEY NOT NULL,
                        secret BLOB NOT NULL,
                        created_at REAL NOT NULL
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("strata-correlation-index-v4") { db in
            // Everything one request caused, across streams: StreamCatalog/events(correlatedWith:from:limit:).
            try db.execute(
                sql: """
                    CREATE INDEX strata_events_correlation ON strata_events (correlation_id, position)
                    WHERE correlation_id IS NOT NULL;
                    """
            )
        }
        return migrator
    }
}
