//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
extension PostgresSchema {
    /// Migration 11: `strata_append_new_events`, group commit's first try at a batch, which leaves the check that
    /// no event id is stored yet to the unique index, and returns its outcomes as one array.
    ///
    /// `strata_append` looks every event id of a batch up before it inserts anything, so that an append that repeats
    /// stored ids gets its own outcome instead of failing the whole batch. That lookup was a descent of the
    /// event-id index per event, a tenth of the server's time for an append of ten events, and the index checks
    /// the same again when the events are inserted. Repeated ids are rare (a caller retrying an append that did
    /// succeed), so this function inserts without looking: an id that is stored, or repeated within an append,
    /// fails the statement on `strata_events_event_id`, which rolls the whole call back (the head too), and the
    /// store then runs the batch through `strata_append`, which reports each append's outcome.
    ///
    /// The other checks are those of `strata_append`, in its order, except that a deleted stream is reported
    /// before anything is known about the append's ids: the caller looks the ids up for that outcome too, as it
    /// does for a wrong expected version, so an append repeated after its stream was deleted still gets its
    /// original result.
    ///
    /// The outcomes come as one `bigint[]` of four entries per append (outcome, actual version, last version, last
    /// position; `-9223372036854775808` for none): reading them from a set-returning function took a function
    /// scan, a tuple store and an aggregate per column, about 45 µs of the 408 µs of server CPU a ten-event append
    /// cost.
    ///
    /// It notifies other processes of its commit only when a process other than the caller listens (see
    /// `listenersTable`): `own_listener` is the backend id of the caller's own listening connection, or 0.
    var appendNewEvents: String {
        """
        CREATE FUNCTION \(quoted).strata_append_new_events(
            streams text[], categories text[], expected_kinds smallint[], expected_versions bigint[], counts integer[],
            event_ids uuid[], event_types text[], payloads bytea[], schema_versions integer[],
            correlation_ids text[], has_correlation boolean[], causation_ids text[], has_causation boolean[],
            metadata bytea[], has_metadata boolean[], own_listener integer
        ) RETURNS bigint[]
        LANGUAGE plpgsql SET enable_seqscan = off SET jit = off SET plan_cache_mode = force_generic_plan AS $strata$
        #variable_conflict use_column
        DECLARE
            no_value CONSTANT bigint := -9223372036854775808;
            total bigint := coalesce(cardinality(event_ids), 0);
            start_head bigint;
            head bigint;
            first_event integer := 1;
            event_count integer;
            actual bigint;
            deleted boolean;
            satisfied boolean;
            outcomes bigint[] := '{}';
        BEGIN
            UPDATE \(quoted).strata_head h SET position = h.position + total RETURNING h.position - total INTO start_head;
            head := start_head;
            FOR request IN 1 .. coalesce(cardinality(streams), 0) LOOP
                event_count := counts[request];
                SELECT EXISTS (SELECT 1 FROM \(quoted).strata_streams s WHERE s.stream_id = streams[request] AND s.deleted),
                    (SELECT e.stream_version FROM \(quoted).strata_events e WHERE e.stream_id = streams[request]
                     ORDER BY e.stream_version DESC LIMIT 1)
                INTO deleted, actual;
                -- Assigned first: an IF condition ends at its first THEN, which a CASE would contain.
                satisfied := CASE expected_kinds[request]
                    WHEN 0 THEN true
                    WHEN 1 THEN actual IS NULL
                    WHEN 2 THEN actual IS NOT NULL
                    ELSE actual IS NOT DISTINCT FROM expected_versions[request]
                END;
                IF deleted THEN
                    outcomes := outcomes || ARRAY[4, no_value, no_value, no_value];
                ELSIF NOT satisfied THEN
                    outcomes := outcomes || ARRAY[1, coalesce(actual, no_value), no_value, no_value];
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
                    outcomes := outcomes || ARRAY[0, coalesce(actual, no_value), coalesce(actual, -1) + event_count, head];
                END IF;
                first_event := first_event + event_count;
            END LOOP;
            -- The head moved past every event of the batch; a refused append leaves fewer, and no gap.
            IF head <> start_head + total THEN
                UPDATE \(quoted).strata_head SET position = head;
            END IF;
            IF head <> start_head AND EXISTS (SELECT 1 FROM \(quoted).strata_listeners l WHERE l.pid <> own_listener) THEN
                PERFORM pg_notify('\(channel)', head::text);
            END IF;
            RETURN outcomes;
        END
        $strata$
        """
    }

    /// The processes that listen for the store's notifications, one row per listening connection, so that a
    /// process that is the only listener (a single node, the commonest deployment) does not notify itself.
    ///
    /// A notification costs its transaction a signal to every listener and a turn through the server's queue, and
    /// costs the listener's server process and client a wake-up each: a tenth of a lone append's CPU. A process
    /// wakes its own subscriptions without one. A listener registers once it listens, through
    /// `strata_register_listener`, which takes the head row's lock as appends do: an append either commits before
    /// the registration, and the listener's first read (made after registering) finds its events, or reads the
    /// registration and notifies. A listener that stops removes its registration; one whose process died, or whose
    /// connection broke, leaves it, and the next registration removes every row whose backend is gone (until then
    /// appends notify it, as they would have anyway).
    ///
    /// Only group commit's appends (`strata_append_new_events`) skip the notification; deletions and keyed
    /// commands go through `strata_append`, which always notifies. Processes of a version before this migration
    /// do not register, so while they run beside newer ones they see the newer ones' appends by polling
    /// (`pollInterval`).
    var listenersTable: [String] {
        [
            "CREATE TABLE \(quoted).strata_listeners (pid integer PRIMARY KEY, registered_at timestamptz NOT NULL DEFAULT now())",
            """
            CREATE FUNCTION \(quoted).strata_register_listener() RETURNS integer
            LANGUAGE plpgsql AS $strata$
            BEGIN
                PERFORM 1 FROM \(quoted).strata_head FOR UPDATE;
                DELETE FROM \(quoted).strata_listeners l WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = l.pid);
                INSERT INTO \(quoted).strata_listeners (pid) VALUES (pg_backend_pid()) ON CONFLICT (pid) DO NOTHING;
                RETURN pg_backend_pid();
            END
            $strata$
            """,
        ]
    }
}
