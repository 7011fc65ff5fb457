//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import GRDB
import Strata

/// The integrity checks as SQL over the store's tables, in one read transaction: every check sees the same
/// snapshot, and appends go on beside it. Each query streams through an index or the table, so the caller's
/// memory stays constant however large the log.
extension SQLiteEventStore: IntegrityChecking {
    public func checkIntegrity(examples: Int) async throws -> [IntegrityCheck] {
        let limit = max(0, examples)
        return try await storageAccess {
            try await pool.read { db in
                [
                    try Self.gapFreePositions(db, limit),
                    try Self.check(
                        IntegrityCheckName.contiguousVersions,
                        from: """
                            SELECT stream_id, COUNT(*), MIN(stream_version), MAX(stream_version) FROM strata_events
                            GROUP BY stream_id HAVING MIN(stream_version) <> 0 OR MAX(stream_version) <> COUNT(*) - 1
                            """,
                        db,
                        limit
                    ) { row in "stream \(row[0] as String): \(row[1] as Int64) events, versions \(row[2] as Int64)…\(row[3] as Int64)" },
                    try Self.check(
                        IntegrityCheckName.streamOrder,
                        from: """
                            SELECT stream_id, stream_version, position, previous FROM (
                                SELECT stream_id, stream_version, position,
                                       LAG(position) OVER (PARTITION BY stream_id ORDER BY stream_version) AS previous
                                FROM strata_events
                            ) WHERE previous > position
                            """,
                        db,
                        limit
                    ) { row in
                        "stream \(row[0] as String): version \(row[1] as Int64) at position \(row[2] as Int64), after position \(row[3] as Int64)"
                    },
                    try Self.check(
                        IntegrityCheckName.uniqueEventIDs,
                        from: "SELECT event_id, COUNT(*) FROM strata_events GROUP BY event_id HAVING COUNT(*) > 1",
                        db,
                        limit
                    ) { row in "event id \(row[0] as String) is stored \(row[1] as Int64) times" },
                    try Self.check(
                        IntegrityCheckName.streamRecords,
                        from: """
                            SELECT s.stream_id, s.truncate_before, s.deleted, last.stream_version, last.event_type
                            FROM strata_streams s
                            LEFT JOIN strata_events last ON last.stream_id = s.stream_id
                                AND last.stream_version = (SELECT MAX(stream_version) FROM strata_events WHERE stream_id = s.stream_id)
                            WHERE last.stream_id IS NULL OR s.truncate_before > last.stream_version + 1
                                OR (s.deleted <> 0 AND last.event_type <> '\(StreamLifecycle.deletedEventType)')
                            UNION ALL
                            SELECT e.stream_id, NULL, 0, e.stream_version, e.event_type FROM strata_events e
                            WHERE e.event_type = '\(StreamLifecycle.deletedEventType)'
                                AND NOT EXISTS (SELECT 1 FROM strata_streams s WHERE s.stream_id = e.stream_id AND s.deleted <> 0)
                            """,
                        db,
                        limit
                    ) { row in
                        Self.describeStreamRecord(
                            stream: row[0],
                            truncateBefore: row[1],
                            deleted: (row[2] as Int64) != 0,
                            lastVersion: row[3],
                            lastType: row[4]
                        )
                    },
                    try Self.fileCheck(db, limit),
                ]
            }
        }
    }

    private static func gapFreePositions(_ db: Database, _ limit: Int) throws -> IntegrityCheck {
        let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(MIN(position), 0), COALESCE(MAX(position), 0) FROM strata_events")
        let (count, first, last): (Int64, Int64, Int64) = (row?[0] ?? 0, row?[1] ?? 0, row?[2] ?? 0)
        let missing = Int(clamping: last - count)
        guard missing > 0 else { return IntegrityCheck(IntegrityCheckName.gapFreePositions, violations: 0) }
        var examples: [String] = first > 1 ? [IntegrityDescriptions.missing(from: 1, to: first - 1)] : []
        let gaps = try Row.fetchAll(
            db,
            sql: """
                SELECT e.position + 1, (SELECT MIN(n.position) FROM strata_events n WHERE n.position > e.position) - 1
                FROM strata_events e
                WHERE e.position < ? AND NOT EXISTS (SELECT 1 FROM strata_events n WHERE n.position = e.position + 1)
                ORDER BY e.position LIMIT ?
                """,
            arguments: [last, limit]
        )
        examples += gaps.map { IntegrityDescriptions.missing(from: $0[0], to: $0[1]) }
        return IntegrityCheck(IntegrityCheckName.gapFreePositions, violations: missing, examples: Array(examples.prefix(limit)))
    }

    /// SQLite's own check of the file: its pages, indexes and constraints.
    private static func fileCheck(_ db: Database, _ limit: Int) throws -> IntegrityCheck {
        let messages = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
        return IntegrityCheck(
            "the database file passes SQLite's integrity check", violations: messages.count, examples: Array(messages.prefix(limit)))
    }

    /// Counts the rows of `query` and describes the first `limit` of them.
    private static func check(
        _ name: String,
        from query: String,
        _ db: Database,
        _ limit: Int,
        describe: (Row) throws -> String
    ) throws -> IntegrityCheck {
        let violations = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (\(query))") ?? 0
        guard violations > 0 else { return IntegrityCheck(name, violations: 0) }
        let examples = try Row.fetchAll(db, sql: "\(query) LIMIT ?", arguments: [limit]).map(describe)
        return IntegrityCheck(name, violations: violations, examples: examples)
    }

    private static func describeStreamRecord(stream: String, truncateBefore: Int64?, deleted: Bool, lastVersion: Int64?, lastType: String?) -> String
    {
        IntegrityDescriptions.streamRecord(
            stream: stream, truncateBefore: truncateBefore, deleted: deleted, lastVersion: lastVersion, lastType: lastType)
    }
}
