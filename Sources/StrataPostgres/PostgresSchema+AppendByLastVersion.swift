//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
extension PostgresSchema {
    /// Migration 10: `strata_append` reads a stream's last version with one index step, whatever the stream's length,
    /// and makes fewer statements per append.
    ///
    /// `max(stream_version)` under the function's generic plan (migration 6) read every version of the stream: a
    /// generic plan expects one row per stream, so the one-row read from the end of the index looked no cheaper.
    /// An append to a stream of 10,000 events read 10,000 index entries while holding the log's lock. The last
    /// version is now read as `ORDER BY stream_version DESC LIMIT 1`, which has no other plan.
    ///
    /// The same outcomes as before, in the same order of checks (see `appendFunctionWithLifecycle`), with fewer
    /// statements: the head row is locked by the update that moves it past every event of the batch (one row
    /// version written instead of a lock and an update), moved back only when some append is refused; the
    /// stored-id, deletion and version lookups are one statement; and an append of one event skips the check that
    /// its ids are distinct. The function keeps the settings of migrations 4 and 6, given again since a replaced function
    /// takes only those of its new definition.
    var appendByLastVersion: String {
        """
        CREATE OR REPLACE FUNCTION \(quoted).strata_append(
            streams text[], categories text[], expected_kinds smallint[], expected_versions bigint[], counts integer[],
            event_ids uuid[], event_types text[], payloads bytea[], schema_versions integer[],
            correlation_ids text[], has_correlation boolean[], causation_ids text[], has_causation boolean[],
            metadata bytea[], has_metadata boolean[]
        ) RETURNS TABLE (outcome smallint, actual_version bigint, last_version bigint, last_position bigint)
        LANGUAGE plpgsql SET enable_seqscan = off SET jit = off SET plan_cache_mode = force_generic_plan AS $strata$
        #variable_conflict use_column
        DECLARE
            total bigint := coalesce(cardinality(event_ids), 0);
            start_head bigint;
            head bigint;
            first_event integer := 1;
            event_count integer;
            actual bigint;
            ids uuid[];
            stored boolean;
            deleted boolean;
            satisfied boolean;
        BEGIN
            UPDATE \(quoted).strata_head h SET position = h.position + total RETURNING h.position - total INTO start_head;
            head := start_head;
            FOR request IN 1 .. coalesce(cardinality(streams), 0) LOOP
                event_count := counts[request];
                ids := event_ids[first_event : first_event + event_count - 1];
                outcome := 0; actual_version := NULL; last_version := NULL; last_position := NULL;
                IF event_count > 1 AND (SELECT count(DISTINCT id) FROM unnest(ids) AS id) <> event_count THEN
                    outcome := 3;
                ELSE
                    SELECT EXISTS (SELECT 1 FROM \(quoted).strata_events e WHERE e.event_id = ANY (ids)),
                        EXISTS (SELECT 1 FROM \(quoted).strata_streams s WHERE s.stream_id = streams[request] AND s.deleted),
                        (SELECT e.stream_version FROM \(quoted).strata_events e WHERE e.stream_id = streams[request]
                         ORDER BY e.stream_version DESC LIMIT 1)
                    INTO stored, deleted, actual;
                    IF stored THEN
                        outcome := 2;
                    ELSIF deleted THEN
                        outcome := 4;
                    ELSE
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
                END IF;
                RETURN NEXT;
                first_event := first_event + event_count;
            END LOOP;
            -- The head moved past every event of the batch; a refused append leaves fewer, and no gap.
            IF head <> start_head + total THEN
                UPDATE \(quoted).strata_head SET position = head;
            END IF;
            IF head <> start_head THEN
                PERFORM pg_notify('\(channel)', head::text);
            END IF;
        END
        $strata$
        """
    }
}
