//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// Migration 3: what the command side keeps beside the log.
///
/// Events gain their schema version; streams gain a lifecycle row (only once truncated or deleted); and the
/// store gets tables for snapshots, command outcomes, subject keys and process-manager state. `strata_append`
/// is replaced by one that stores schema versions and refuses deleted streams.
///
/// Instants that callers hand in and compare with what they read back (a snapshot's `taken_at`, an outcome's
/// `recorded_at`, a scheduled command's `due_at`) are `double precision` seconds since 2001-01-01 UTC,
/// Foundation's reference date, rather than `timestamptz`: `timestamptz` keeps only microseconds, and a
/// scheduled command or snapshot read back must equal the one stored. In `psql`,
/// `timestamptz '2001-01-01Z' + due_at * interval '1 second'` shows one as a time.
extension PostgresSchema {
    var commandSide: [String] {
        [
            // A constant default: PostgreSQL adds the column without rewriting the table.
            "ALTER TABLE \(quoted).strata_events ADD COLUMN schema_version integer NOT NULL DEFAULT 1",
            """
            CREATE TABLE \(quoted).strata_streams (
                stream_id text PRIMARY KEY,
                truncate_before bigint NOT NULL DEFAULT 0,
                deleted boolean NOT NULL DEFAULT false
            )
            """,
            """
            CREATE TABLE \(quoted).strata_snapshots (
                kind text NOT NULL,
                stream_id text NOT NULL,
                stream_version bigint NOT NULL,
                position bigint NOT NULL,
                schema_version integer NOT NULL,
                data bytea NOT NULL,
                taken_at double precision NOT NULL,
                PRIMARY KEY (kind, stream_id)
            )
            """,
            """
            CREATE TABLE \(quoted).strata_command_outcomes (
                key text PRIMARY KEY,
                fingerprint text NOT NULL,
                stream_id text NOT NULL,
                outcome bytea NOT NULL,
                stream_version bigint,
                position bigint NOT NULL,
                recorded_at double precision NOT NULL
            )
            """,
            "CREATE INDEX strata_command_outcomes_recorded_at ON \(quoted).strata_command_outcomes (recorded_at)",
            """
            CREATE TABLE \(quoted).strata_subject_keys (
                subject text PRIMARY KEY,
                key bytea,
                created_at timestamptz NOT NULL DEFAULT now(),
                forgotten_at timestamptz
            )
            """,
            """
            CREATE TABLE \(quoted).strata_process_checkpoints (
                name text PRIMARY KEY,
                position bigint NOT NULL
            )
            """,
            """
            CREATE TABLE \(quoted).strata_scheduled_commands (
                id text PRIMARY KEY,
                owner text NOT NULL,
                process_id text NOT NULL,
                name text NOT NULL,
                due_at double precision NOT NULL,
                command bytea NOT NULL,
                correlation_id text,
                causation_id text,
                metadata bytea,
                status smallint NOT NULL DEFAULT 0
            )
            """,
            "CREATE INDEX strata_scheduled_commands_due ON \(quoted).strata_scheduled_commands (owner, status, due_at)",
            // Cancelling names one process's deadline: without this, each cancellation would scan every pending
            // command of the owner. Partial, so completed and cancelled commands cost it nothing.
            """
            CREATE INDEX strata_scheduled_commands_process ON \(quoted).strata_scheduled_commands (owner, process_id, name)
            WHERE status = 0
            """,
            """
            DROP FUNCTION \(quoted).strata_append(
                text[], text[], smallint[], bigint[], integer[], uuid[], text[], bytea[],
                text[], boolean[], text[], boolean[], bytea[], boolean[]
            )
            """,
            appendFunctionWithLifecycle,
        ]
    }

    /// Migration 2's `strata_append`, which also stores each event's schema version and refuses deleted streams.
    ///
    /// Outcomes per append, in order: 0 appended, 1 wrong expected version, 2 an event id is already stored,
    /// 3 an event id repeats within the append, 4 the stream is deleted. Stored ids are checked before deletion,
    /// so that the retry of an append that succeeded before its stream was deleted still resolves to its result.
    /// The row lock on `strata_head` is what orders the log: see `PostgresEventStore`. A deletion marks
    /// `strata_streams` in the transaction of its own `strata_append` call, so an append that waited for the
    /// lock sees the mark.
    private var appendFunctionWithLifecycle: String {
        """
        CREATE FUNCTION \(quoted).strata_append(
            streams text[], categories text[], expected_kinds smallint[], expected_versions bigint[], counts integer[],
            event_ids uuid[], event_types text[], payloads bytea[], schema_versions integer[],
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
                ELSIF EXISTS (SELECT 1 FROM \(quoted).strata_streams s WHERE s.stream_id = streams[request] AND s.deleted) THEN
                    outcome := 4;
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
                            position, stream_id, stream_version, event_id, event_type, category, data, schema_version,
                            correlation_id, causation_id, metadata, recorded_at
                        )
                        SELECT head + k, streams[request], coalesce(actual, -1) + k,
                            event_ids[first_event + k - 1], event_types[first_event + k - 1], categories[request],
                            payloads[first_event + k - 1], schema_versions[first_event + k - 1],
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
