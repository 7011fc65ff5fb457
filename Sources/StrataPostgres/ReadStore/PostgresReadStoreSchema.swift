//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// The versioned schema of a PostgreSQL read store: the projection registry, parked events and the list of
/// document collections. Migrations only ever add: a released one is never edited.
///
/// Its version table and lock differ from the event store's, so both can live in one PostgreSQL schema.
struct PostgresReadStoreSchema: PostgresMigrationPlan {
    /// The PostgreSQL schema, already validated as a plain identifier.
    let name: String

    var quoted: String { "\"\(name)\"" }

    var versionTable: String { "strata_read_migrations" }

    var lockKey: String { "strata-read-migrate:" + name }

    /// The table of the projection registry.
    var projections: String { "\(quoted).strata_projections" }
    /// The dead-letter table.
    var parkedEvents: String { "\(quoted).strata_parked_events" }
    /// Which collections exist, and which field each of their index column groups holds.
    var documentCollections: String { "\(quoted).strata_document_collections" }

    /// `name` quoted as a SQL identifier inside the read store's schema.
    func table(_ name: String) -> String {
        "\(quoted).\(Self.quoted(name))"
    }

    /// `name` quoted as a SQL identifier.
    static func quoted(_ name: String) -> String {
        "\"\(name.replacingOccurrences(of: "\"", with: "\"\""))\""
    }

    var bootstrap: [String] {
        [
            "CREATE SCHEMA IF NOT EXISTS \(quoted)",
            """
            CREATE TABLE IF NOT EXISTS \(quoted).\(versionTable) (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """,
        ]
    }

    var migrations: [PostgresSchema.Migration] {
        [
            PostgresSchema.Migration(version: 1, name: "registry", statements: registry),
            PostgresSchema.Migration(version: 2, name: "reports", statements: reports),
            PostgresSchema.Migration(version: 3, name: "parked schema versions", statements: parkedSchemaVersions),
        ]
    }

    /// A parked event is a copy of the recorded event, which now carries the schema version of its data.
    private var parkedSchemaVersions: [String] {
        ["ALTER TABLE \(parkedEvents) ADD COLUMN schema_version integer NOT NULL DEFAULT 1"]
    }

    /// What the runner last reported, for operators reading the registry without the running process.
    private var reports: [String] {
        [
            """
            ALTER TABLE \(projections)
                ADD COLUMN report_state text,
                ADD COLUMN report_error text,
                ADD COLUMN report_node text,
                ADD COLUMN reported_at timestamptz
            """
        ]
    }

    private var registry: [String] {
        [
            """
            CREATE TABLE \(projections) (
                name text PRIMARY KEY,
                active_generation bigint NOT NULL,
                active_version bigint NOT NULL,
                active_position bigint NOT NULL,
                active_schema_version bigint NOT NULL,
                rebuild_generation bigint,
                rebuild_version bigint,
                rebuild_position bigint,
                rebuild_schema_version bigint,
                updated_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE \(parkedEvents) (
                projection text NOT NULL,
                generation bigint NOT NULL,
                position bigint NOT NULL,
                stream_id text NOT NULL,
                stream_version bigint NOT NULL,
                event_id uuid NOT NULL,
                event_type text NOT NULL,
                data bytea NOT NULL,
                metadata bytea,
                recorded_at timestamptz NOT NULL,
                error text NOT NULL,
                attempts bigint NOT NULL,
                parked_at timestamptz NOT NULL,
                PRIMARY KEY (projection, generation, position)
            )
            """,
            "CREATE INDEX strata_parked_events_stream ON \(parkedEvents) (projection, generation, stream_id)",
            """
            CREATE TABLE \(documentCollections) (
                name text PRIMARY KEY,
                indexes text[] NOT NULL
            )
            """,
        ]
    }
}
