//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import PostgresNIO
import Strata

/// The integrity checks as SQL over the store's tables, in one read-only repeatable-read transaction: every check
/// sees the same snapshot, and appends go on beside it. The server does the work; the caller reads counts and a
/// few examples, whatever the size of the log.
extension PostgresEventStore: IntegrityChecking {
    public func checkIntegrity(examples: Int) async throws -> [IntegrityCheck] {
        let limit = max(0, examples)
        let events = "\(schema.quoted).strata_events"
        let streams = "\(schema.quoted).strata_streams"
        let deleted = StreamLifecycle.deletedEventType
        return try await inTransaction("check the store's integrity") { [self] connection in
            _ = try await rows("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", on: connection)
            let checker = Checker(store: self, connection: connection, limit: limit)
            return [
                try await checker.gapFreePositions(events),
                try await checker.head(events, head: "\(schema.quoted).strata_head"),
                try await checker.check(
                    IntegrityCheckName.contiguousVersions,
                    from: """
                        SELECT stream_id, count(*), min(stream_version), max(stream_version) FROM \(events)
                        GROUP BY stream_id HAVING min(stream_version) <> 0 OR max(stream_version) <> count(*) - 1
                        """
                ) { row in
                    let (stream, count, first, last) = try row.decode((String, Int64, Int64, Int64).self)
                    return "stream \(stream): \(count) events, versions \(first)…\(last)"
                },
                try await checker.check(
                    IntegrityCheckName.streamOrder,
                    from: """
                        SELECT stream_id, stream_version, position, previous FROM (
                            SELECT stream_id, stream_version, position,
                                   lag(position) OVER (PARTITION BY stream_id ORDER BY stream_version) AS previous
                            FROM \(events)
                        ) ordered WHERE previous > position
                        """
                ) { row in
                    let (stream, version, position, previous) = try row.decode((String, Int64, Int64, Int64).self)
                    return "stream \(stream): version \(version) at position \(position), after position \(previous)"
                },
                try await checker.check(
                    IntegrityCheckName.uniqueEventIDs,
                    from: "SELECT event_id::text, count(*) FROM \(events) GROUP BY event_id HAVING count(*) > 1"
                ) { row in
                    let (id, count) = try row.decode((String, Int64).self)
                    return "event id \(id) is stored \(count) times"
                },
                try await checker.check(
                    IntegrityCheckName.streamRecords,
                    from: """
                        SELECT s.stream_id, s.truncate_before, s.deleted, last.stream_version, last.event_type
                        FROM \(streams) s
                        LEFT JOIN \(events) last ON last.stream_id = s.stream_id
                            AND last.stream_version = (SELECT max(stream_version) FROM \(events) WHERE stream_id = s.stream_id)
                        WHERE last.stream_id IS NULL OR s.truncate_before > last.stream_version + 1
                            OR (s.deleted AND last.event_type <> '\(deleted)')
                        UNION ALL
                        SELECT e.stream_id, NULL, false, e.stream_version, e.event_type FROM \(events) e
                        WHERE e.event_type = '\(deleted)'
                            AND NOT EXISTS (SELECT 1 FROM \(streams) s WHERE s.stream_id = e.stream_id AND s.deleted)
                        """
                ) { row in
                    let (stream, truncateBefore, isDeleted, lastVersion, lastType) = try row.decode((String, Int64?, Bool, Int64?, String?).self)
                    return IntegrityDescriptions.streamRecord(
                        stream: stream,
                        truncateBefore: truncateBefore,
                        deleted: isDeleted,
                        lastVersion: lastVersion,
                        lastType: lastType
                    )
                },
            ]
        }
    }

    /// Runs the checks' queries on the transaction's connection.
    private struct Checker: Sendable {
        let store: PostgresEventStore
        let connection: PostgresConnection
        let limit: Int

        func gapFreePositions(_ events: String) async throws -> IntegrityCheck {
            let summary = try await store.rows(
                "SELECT count(*), coalesce(min(position), 0), coalesce(max(position), 0) FROM \(unescaped: events)", on: connection)
            var (count, first, last): (Int64, Int64, Int64) = (0, 0, 0)
            if let row = summary.first { (count, first, last) = try row.decode((Int64, Int64, Int64).self) }
            let missing = Int(clamping: last - count)
            guard missing > 0 else { return IntegrityCheck(IntegrityCheckName.gapFreePositions, violations: 0) }
            var examples = first > 1 ? [IntegrityDescriptions.missing(from: 1, to: first - 1)] : []
            let gaps = try await store.rows(
                """
                SELECT e.position + 1, (SELECT min(n.position) FROM \(unescaped: events) n WHERE n.position > e.position) - 1
                FROM \(unescaped: events) e
                WHERE e.position < \(last) AND NOT EXISTS (SELECT 1 FROM \(unescaped: events) n WHERE n.position = e.position + 1)
                ORDER BY e.position LIMIT \(limit)
                """,
                on: connection
            )
            for gap in gaps {
                let (from, to) = try gap.decode((Int64, Int64).self)
                examples.append(IntegrityDescriptions.missing(from: from, to: to))
            }
            return IntegrityCheck(IntegrityCheckName.gapFreePositions, violations: missing, examples: Array(examples.prefix(limit)))
        }

        /// The row appends number their events from must hold the last position, or the next append would
        /// leave a gap or collide.
        func head(_ events: String, head: String) async throws -> IntegrityCheck {
            let rows = try await store.rows(
                "SELECT h.position, (SELECT coalesce(max(position), 0) FROM \(unescaped: events)) FROM \(unescaped: head) h",
                on: connection
            )
            guard let row = rows.first else {
                return IntegrityCheck(IntegrityCheckName.head, violations: 1, examples: ["the head row is missing"])
            }
            let (recorded, last) = try row.decode((Int64, Int64).self)
            guard recorded != last else { return IntegrityCheck(IntegrityCheckName.head, violations: 0) }
            return IntegrityCheck(IntegrityCheckName.head, violations: 1, examples: ["the head row says \(recorded), the last event is at \(last)"])
        }

        /// Counts the rows of `query` and describes the first `limit` of them.
        func check(_ name: String, from query: String, describe: (PostgresRow) throws -> String) async throws -> IntegrityCheck {
            let count = try await store.rows("SELECT count(*) FROM (\(unescaped: query)) violations", on: connection)
            let violations = Int(try count.first?.decode(Int64.self) ?? 0)
            guard violations > 0 else { return IntegrityCheck(name, violations: 0) }
            let rows = try await store.rows("\(unescaped: query) LIMIT \(limit)", on: connection)
            return IntegrityCheck(name, violations: violations, examples: try rows.map(describe))
        }
    }
}
