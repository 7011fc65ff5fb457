//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// The versioned schema of a PostgreSQL event store, inside its own PostgreSQL schema.
///
/// Migrations only ever add; a released migration is never edited. They are applied in order, each in its own
/// transaction, under an advisory lock so that several processes starting at once apply each exactly once.
struct PostgresSchema: PostgresMigrationPlan {
    /// The PostgreSQL schema, already validated as a plain identifier.
    let name: String

    var versionTable: String { "strata_migrations" }

    var lockKey: String { "strata-migrate:" + name }

    /// The quoted schema name, for SQL text.
    var quoted: String { "\"\(name)\"" }

    /// The channel appends notify on after they commit.
    var channel: String { "strata_events_\(name)" }

    struct Migration: Sendable {
        let version: Int
        let name: String
        /// One statement each: the extended query protocol runs a single statement per query.
        let statements: [String]
    }

    var bootstrap: [String] {
        [
            "CREATE SCHEMA IF NOT EXISTS \(quoted)",
            """
            CREATE TABLE IF NOT EXISTS \(quoted).strata_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """,
        ]
    }

    var migrations: [Migration] {
        [
            Migration(version: 1, name: "events", statements: eventsTable),
            Migration(version: 2, name: "append function", statements: [appendFunction]),
            Migration(version: 3, name: "command side", statements: commandSide),
            Migration(version: 4, name: "append lookups by index", statements: [appendLookupsByIndex]),
            Migration(version: 5, name: "secrets", statements: [secretsTable]),
            Migration(version: 6, name: "append plans planned once", statements: [appendPlansPlannedOnce]),
            Migration(version: 7, name: "keyed commands in one statement", statements: [recordCommandFunction]),
            // Everything one request caused, across streams: StreamCatalog/events(correlatedWith:from:limit:).
            Migration(
                version: 8,
                name: "events by correlation id",
                statements: [
                    """
                    CREATE INDEX strata_events_correlation ON \(quoted).strata_events (correlation_id, position)
                    WHERE correlation_id IS NOT NULL
                    """
                ]
            ),
            Migration(version: 9, name: "reads planned once", statements: [readStreamFunction, readCategoryFunction]),
            Migration(version: 10, name: "append by last version", statements: [appendByLastVersion]),
            Migration(version: 11, name: "append new events, notify other listeners only", statements: listenersTable + [appendNewEvents]),
        ]
    }

    /// A page of one stream's visible events (see `strata_streams.truncate_before`), from a version on, forwards or
    /// backwards.
    ///
    /// Loading a stream is half of every command. Strata prepares no statement (see
    /// `PostgresConnection/allRows(_:logger:)`), and planning the read on every call doubled the server's time for
    /// a short stream; the function's plans are made once per connection, and the statement that calls it is
    /// cheaper to plan.
    var readStreamFunction: String {
        """
        CREATE FUNCTION \(quoted).strata_read_stream(read_stream text, from_version bigint, page_limit bigint, backwards boolean)
        RETURNS SETOF \(quoted).strata_events
        LANGUAGE plpgsql STABLE
        AS $strata$
        DECLARE
            visible_from bigint := coalesce(
                (SELECT s.truncate_before FROM \(quoted).strata_streams s WHERE s.stream_id = read_stream), 0);
        BEGIN
            IF backwards THEN
                RETURN QUERY
                    SELECT * FROM \(quoted).strata_events e
                    WHERE e.stream_id = read_stream AND e.stream_version <= from_version AND e.stream_version >= visible_from
                    ORDER BY e.stream_version DESC
                    LIMIT page_limit;
            ELSE
                RETURN QUERY
                    SELECT * FROM \(quoted).strata_events e
                    WHERE e.stream_id = read_stream AND e.stream_version >= greatest(from_version, visible_from)
                    ORDER BY e.stream_version
                    LIMIT page_limit;
            END IF;
        END;
        $strata$
        """
    }

    /// A page of one category's events from a position on, in the order of the log, read through the category's
    /// index whatever the table's statistics say.
    ///
    /// Planned per call, the read is planned from statistics, and on a log whose statistics are not yet gathered
    /// (one just imported or appended in bulk) PostgreSQL reckons that a category has a few hundred events: it
    /// then gathers every event of the category after the position and sorts them, for every page of a catch-up.
    /// The function's generic plan, made once per connection, walks the index and stops at the limit. (Strata
    /// prepares no statement, see `PostgresConnection/allRows(_:logger:)`, so the plan is kept here.)
    var readCategoryFunction: String {
        """
        CREATE FUNCTION \(quoted).strata_read_category(read_category text, from_position bigint, page_limit bigint)
        RETURNS SETOF \(quoted).strata_events
        LANGUAGE plpgsql STABLE
        SET plan_cache_mode = force_generic_plan
        AS $strata$
        BEGIN
            RETURN QUERY
                SELECT * FROM \(quoted).strata_events e
                WHERE e.category = read_category AND e.position >= from_position
                ORDER BY e.position
                LIMIT page_limit;
        END;
        $strata$
        """
    }

    /// Records a keyed command's outcome and appends its events in one statement, so that the `strata_head` row
    /// lock that `strata_append` takes is released by the statement's own commit, never held while the client
    /// makes another round trip (in a transaction of several statements it was held across two: the outcome's
    /// insert and the commit).
    ///
    /// The outcome row goes in first: a concurrent command with the same key waits on it before taking the head
    /// lock, and finds it when the first commits. An unexpired row of the key means the command was recorded
    /// already: outcome 5, nothing appended. An append that fails takes the row out again, so that only appended
    /// commands are recorded, as when the whole transaction rolled back.
    private var recordCommandFunction: String {
        """
        CREATE FUNCTION \(quoted).strata_record_command(
            outcome_key text, outcome_fingerprint text, outcome_stream text, outcome_data bytea,
            outcome_recorded_at double precision, outcome_cutoff double precision,
            streams text[], categories text[], expected_kinds smallint[], expected_versions bigint[], counts integer[],
            event_ids uuid[], event_types text[], payloads bytea[], schema_versions integer[],
            correlation_ids text[], has_correlation boolean[], causation_ids text[], has_causation boolean[],
            metadata bytea[], has_metadata boolean[]
        ) RETURNS TABLE (outcome smallint, actual_version bigint, last_version bigint, last_position bigint)
        LANGUAGE plpgsql SET jit = off AS $strata$
        #variable_conflict use_column
        DECLARE
            appended record;
        BEGIN
            INSERT INTO \(quoted).strata_command_outcomes AS o
                (key, fingerprint, stream_id, outcome, stream_version, position, recorded_at)
            VALUES (outcome_key, outcome_fingerprint, outcome_stream, outcome_data, NULL, 0, outcome_recorded_at)
            ON CONFLICT (key) DO UPDATE SET
                fingerprint = EXCLUDED.fingerprint, stream_id = EXCLUDED.stream_id, outcome = EXCLUDED.outcome,
                stream_version = NULL, position = 0, recorded_at = EXCLUDED.recorded_at
            WHERE o.recorded_at < outcome_cutoff;
            IF NOT FOUND THEN
                outcome := 5; actual_version := NULL; last_version := NULL; last_position := NULL;
                RETURN NEXT;
                RETURN;
            END IF;
            SELECT * INTO appended FROM \(quoted).strata_append(
                streams, categories, expected_kinds, expected_versions, counts, event_ids, event_types, payloads,
                schema_versions, correlation_ids, has_correlation, causation_ids, has_causation, metadata, has_metadata
            );
            IF appended.outcome = 0 THEN
                UPDATE \(quoted).strata_command_outcomes
                SET stream_version = appended.last_version, position = appended.last_position
                WHERE key = outcome_key;
            ELSE
                DELETE FROM \(quoted).strata_command_outcomes WHERE key = outcome_key;
            END IF;
            outcome := appended.outcome;
            actual_version := appended.actual_version;
            last_version := appended.last_version;
            last_position := appended.last_position;
            RETURN NEXT;
        END
        $strata$
        """
    }

    /// Secrets of the store as a whole, such as the one keyed digests of personal data use
    /// (SubjectKeyStore/digestSecret()): kept beside the subject keys.
    private var secretsTable: String {
        """
        CREATE TABLE \(quoted).strata_secrets (
            name text PRIMARY KEY,
            secret bytea NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """
    }

    /// PL/pgSQL keeps the plans of `strata_append`'s lookups for the life of a connection. Planned while the
    /// events table was small (a new store, or stale statistics), the event-id check becomes a sequential scan,
    /// and every append then reads the whole table: the cost of an append would grow with the log. Every lookup
    /// the function makes has an index made for it, so sequential scans are ruled out inside it. That makes the
    /// one-row head table's scan look enormously costly, which would have every call JIT-compile its plans: JIT
    /// is turned off inside the function too.
    private var appendLookupsByIndex: String {
        """
        ALTER FUNCTION \(quoted).strata_append(
            text[], text[], smallint[], bigint[], integer[], uuid[], text[], bytea[], integer[],
            text[], boolean[], text[], boolean[], bytea[], boolean[]
        ) SET enable_seqscan = off SET jit = off
        """
    }

    /// Left to choose, PostgreSQL plans `strata_append`'s lookups afresh on every call: a generic plan cannot know
    /// how many ids an array holds, so it looks dearer than a custom one and is never picked. Replanning cost more
    /// than a third of the server's time per single-event append. The lookups have one sensible plan each (an
    /// index, see appendLookupsByIndex), so the function keeps its generic plans for the life of a connection.
    private var appendPlansPlannedOnce: String {
        """
        ALTER FUNCTION \(quoted).strata_append(
            text[], text[], smallint[], bigint[], integer[], uuid[], text[], bytea[], integer[],
            text[], boolean[], text[], boolean[], bytea[], boolean[]
        ) SET plan_cache_mode = force_generic_plan
        """
    }

    private var eventsTable: [String] {
        [
            """
            CREATE TABLE \(quoted).strata_events (
                position bigint PRIMARY KEY,
                stream_id text NOT NULL,
                stream_version bigint NOT NULL,
                event_id uuid NOT NULL,
                event_type text NOT NULL,
                category text NOT NULL,
                data bytea NOT NULL,
                correlation_id text,
                causation_id text,
                metadata bytea,
                recorded_at timestamptz NOT NULL,
                CONSTRAINT strata_events_stream UNIQUE (stream_id, stream_version),
                CONSTRAINT strata_events_event_id UNIQUE (event_id)
            )
            """,
            "CREATE INDEX strata_events_category ON \(quoted).strata_events (category, position)",
            "CREATE INDEX strata_events_type ON \(quoted).strata_events (event_type, position)",
            """
            CREATE TABLE \(quoted).strata_head (
                singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                position bigint NOT NULL
            )
            """,
            "INSERT INTO \(quoted).strata_head (position) VALUES (0)",
        ]
    }

    /// Appends a batch of appends in one call, so that a batch costs one round trip.
    ///
    /// Outcomes per append, in order: 0 appended, 1 wrong expected version, 2 an event id is already stored,
    /// 3 an event id repeats within the append. The row lock on `strata_head` is what orders the log: see
    /// `PostgresEventStore`.
    private var appendFunction: String {
        """
        CREATE FUNCTION \(quoted).strata_append(
            streams text[], categories text[], expected_kinds smallint[], expected_versions bigint[], counts integer[],
            event_ids uuid[], event_types text[], payloads bytea[],
            correlation_ids text[], has_correlation boolean[], causation_ids text[], has_causation boolean[],
            metadata bytea[], has_metadata boolean[]
        ) RETURNS TABLE (outcome smallint, actual_version bigint, last_version bigint, last_position bigint)
        LANGUAGE plpgsql AS $strata$
        #variable_conflict use_column
        DECLARE
            head bigint;
            start_head bigint;
            first_event integer := 1;
            event_count integer;
            actual bigint;
            ids uuid[];
            satisfied boolean;
        BEGIN
            SELECT h.position INTO head FROM \(quoted).strata_head h FOR UPDATE;
            start_head := head;
            FOR request IN 1 .. cardinality(streams) LOOP
                event_count := counts[request];
                ids := event_ids[first_event : first_event + event_count - 1];
                outcome := 0; actual_version := NULL; last_version := NULL; last_position := NULL;
                IF (SELECT count(DISTINCT id) FROM unnest(ids) AS id) <> event_count THEN
                    outcome := 3;
                ELSIF EXISTS (SELECT 1 FROM \(quoted).strata_events e WHERE e.event_id = ANY (ids)) THEN
                    outcome := 2;
                ELSE
                    SELECT max(e.stream_version) INTO actual FROM \(quoted).strata_events e WHERE e.stream_id = streams[request];
                    actual_version := actual;
                    -- Assigned first: an IF condition ends at its first THEN, which a CASE would contain.
                    satisfied := CASE expected_kinds[request]
                        WHEN 0 THEN true
                        WHEN 1 THEN actual IS NULL
                        WHEN 2 THEN actual IS NOT NULL
                        ELSE actual IS NOT DISTINCT FROM expected_versions[request]
                    END;
                    IF NOT satisfied THEN
                        outcome := 1;
                    ELSE
                        INSERT INTO \(quoted).strata_events (
                            position, stream_id, stream_version, event_id, event_type, category, data,
                            correlation_id, causation_id, metadata, recorded_at
                        )
                        SELECT head + k, streams[request], coalesce(actual, -1) + k,
                            event_ids[first_event + k - 1], event_types[first_event + k - 1], categories[request],
                            payloads[first_event + k - 1],
                            CASE WHEN has_correlation[first_event + k - 1] THEN correlation_ids[first_event + k - 1] END,
                            CASE WHEN has_causation[first_event + k - 1] THEN causation_ids[first_event + k - 1] END,
                            CASE WHEN has_metadata[first_event + k - 1] THEN metadata[first_event + k - 1] END,
                            now()
                        FROM generate_series(1, event_count) AS k;
                        head := head + event_count;
                        last_version := coalesce(actual, -1) + event_count;
                        last_position := head;
                    END IF;
                END IF;
                RETURN NEXT;
                first_event := first_event + event_count;
            END LOOP;
            IF head <> start_head THEN
                UPDATE \(quoted).strata_head SET position = head;
                PERFORM pg_notify('\(channel)', head::text);
            END IF;
        END
        $strata$
        """
    }
}
