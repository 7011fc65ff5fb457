//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Strata

extension SQLiteEventStore: StreamCatalog {
    public func listStreams(category: String?, prefix: String?, after: StreamID?, limit: Int) async throws -> [StreamSummary] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let category {
            conditions.append("e.category = ?")
            _ = arguments.append(contentsOf: [category])
        }
        if let after {
            conditions.append("e.stream_id > ?")
            _ = arguments.append(contentsOf: [after.rawValue])
        }
        if let prefix {
            // Exact, unlike LIKE (which ignores ASCII case and reads % and _): the id's first characters. Every id
            // that starts with the prefix sorts at or after it in SQLite's binary order, which starts the index walk.
            conditions.append("e.stream_id >= ? AND substr(e.stream_id, 1, length(?)) = ?")
            _ = arguments.append(contentsOf: [prefix, prefix, prefix])
        }
        _ = arguments.append(contentsOf: [max(0, limit)])
        // Grouping walks the (stream_id, stream_version) index in order, so a page costs its own streams only.
        let sql = """
            SELECT e.stream_id, MAX(e.stream_version), COUNT(*), MAX(e.position), MAX(e.recorded_at),
                   COALESCE((SELECT s.deleted FROM strata_streams s WHERE s.stream_id = e.stream_id), 0)
            FROM strata_events e \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            GROUP BY e.stream_id ORDER BY e.stream_id LIMIT ?
            """
        let bound = arguments
        return try await storageAccess {
            try await pool.read { db in
                try Row.fetchAll(db, sql: sql, arguments: bound).map { row in
                    StreamSummary(
                        stream: try StreamID(row[0] as String),
                        version: StreamVersion(UInt64(clamping: row[1] as Int64)),
                        eventCount: row[2],
                        lastPosition: GlobalPosition(UInt64(clamping: row[3] as Int64)),
                        lastRecordedAt: Date(timeIntervalSince1970: row[4]),
                        isDeleted: (row[5] as Int64) != 0
                    )
                }
            }
        }
    }

    public func events(correlatedWith correlationID: String, from position: GlobalPosition, limit: Int) async throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        return try await fetchEvents(
            sql: "\(Self.selectColumns) WHERE correlation_id = ? AND position >= ? ORDER BY position ASC LIMIT ?",
            arguments: [correlationID, Int64(clamping: position.value), limit]
        )
    }

    public func listCategories(after: String?, limit: Int) async throws -> [CategorySummary] {
        guard limit > 0 else { return [] }
        // A skip scan of the (category, position) index: each step seeks the least category above the last one,
        // and the category's last event is the index's last entry for it. A page costs its categories, whatever
        // they hold. The step count stops the recursion at the page's end. (`?1 IS NULL OR …` would cost the seek.)
        let sql = """
            WITH RECURSIVE names(name, step) AS (
                SELECT (SELECT MIN(category) FROM strata_events\(after == nil ? "" : " WHERE category > ?1")), 1
                UNION ALL
                SELECT (SELECT MIN(category) FROM strata_events WHERE category > names.name), step + 1
                FROM names WHERE names.name IS NOT NULL AND step < ?2
            )
            SELECT names.name, e.position, e.recorded_at
            FROM names JOIN strata_events e
              ON e.position = (SELECT MAX(position) FROM strata_events WHERE category = names.name)
            ORDER BY names.name
            """
        return try await storageAccess {
            try await pool.read { db in
                try Row.fetchAll(db, sql: sql, arguments: [after ?? "", limit]).map { row in
                    CategorySummary(
                        name: row[0],
                        lastPosition: GlobalPosition(UInt64(clamping: row[1] as Int64)),
                        lastRecordedAt: Date(timeIntervalSince1970: row[2])
                    )
                }
            }
        }
    }

    public func event(id: UUID) async throws -> RecordedEvent? {
        try await fetchEvents(sql: "\(Self.selectColumns) WHERE event_id = ?", arguments: [id.uuidString]).first
    }

    public func recordingTimes(since: Date, amongLast limit: Int) async throws -> [Date] {
        guard limit > 0 else { return [] }
        let sql = """
            SELECT recorded_at FROM (SELECT position, recorded_at FROM strata_events ORDER BY position DESC LIMIT ?)
            WHERE recorded_at >= ? ORDER BY position DESC
            """
        return try await storageAccess {
            try await pool.read { db in
                try Double.fetchAll(db, sql: sql, arguments: [limit, since.timeIntervalSince1970]).map(Date.init(timeIntervalSince1970:))
            }
        }
    }

    public func statistics() async throws -> EventStoreStatistics {
        let (events, streams, head, recordedAt) = try await storageAccess {
            try await pool.read { db in
                let counts = try Row.fetchOne(db, sql: "SELECT COUNT(*), COUNT(DISTINCT stream_id), MAX(position) FROM strata_events")
                let recordedAt = try Double.fetchOne(db, sql: "SELECT recorded_at FROM strata_events ORDER BY position DESC LIMIT 1")
                let events: Int = counts?[0] ?? 0
                let streams: Int = counts?[1] ?? 0
                let head: Int64 = counts?[2] ?? 0
                return (events, streams, head, recordedAt)
            }
        }
        let files = [path, path + "-wal", path + "-shm"]
        let size = files.compactMap { (try? FileManager.default.attributesOfItem(atPath: $0))?[.size] as? NSNumber }.reduce(Int64(0)) {
            $0 + $1.int64Value
        }
        return EventStoreStatistics(
            eventCount: events,
            streamCount: streams,
            head: GlobalPosition(UInt64(clamping: head)),
            headRecordedAt: recordedAt.map { Date(timeIntervalSince1970: $0) },
            sizeBytes: size
        )
    }
}
