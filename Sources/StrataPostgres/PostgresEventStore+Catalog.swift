//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata

extension PostgresEventStore: StreamCatalog {
    public func listStreams(category: String?, prefix: String?, after: StreamID?, limit: Int) async throws -> [StreamSummary] {
        let table = "\(schema.quoted).strata_events"
        let streams = "\(schema.quoted).strata_streams"
        let query: PostgresQuery = """
            SELECT e.stream_id, max(e.stream_version), count(*), max(e.position), max(e.recorded_at),
                   coalesce((SELECT s.deleted FROM \(unescaped: streams) s WHERE s.stream_id = e.stream_id), false)
            FROM \(unescaped: table) e
            WHERE (\(category)::text IS NULL OR e.category = \(category))
              AND (\(after?.rawValue)::text IS NULL OR e.stream_id > \(after?.rawValue))
              AND (\(prefix)::text IS NULL OR left(e.stream_id, length(\(prefix)::text)) = \(prefix))
            GROUP BY e.stream_id ORDER BY e.stream_id LIMIT \(Int64(max(0, limit)))
            """
        return try await withConnection("list streams") { [logger] connection in
            var summaries: [StreamSummary] = []
            for row in try await connection.allRows(query, logger: logger) {
                let (stream, version, count, position, recordedAt, deleted) = try row.decode((String, Int64, Int64, Int64, Date, Bool).self)
                summaries.append(
                    StreamSummary(
                        stream: try StreamID(stream),
                        version: StreamVersion(UInt64(clamping: version)),
                        eventCount: Int(count),
                        lastPosition: GlobalPosition(UInt64(clamping: position)),
                        lastRecordedAt: recordedAt,
                        isDeleted: deleted
                    )
                )
            }
            return summaries
        }
    }

    public func events(correlatedWith correlationID: String, from position: GlobalPosition, limit: Int) async throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        let query: PostgresQuery = """
            \(unescaped: selectColumns) WHERE correlation_id = \(correlationID) AND position >= \(Int64(clamping: position.value))
            ORDER BY position LIMIT \(limit)
            """
        return try await fetchEvents(query)
    }

    public func listCategories(after: String?, limit: Int) async throws -> [CategorySummary] {
        guard limit > 0 else { return [] }
        let table = "\(schema.quoted).strata_events"
        // A skip scan of the (category, position) index: each step seeks the least category above the last one,
        // and the category's last event is the index's last entry for it. A page costs its categories, whatever
        // they hold. `$1 IS NULL OR …` would cost the seek, hence two spellings of the first step.
        let first = after == nil ? "" : " WHERE category > $1"
        let sql = """
            WITH RECURSIVE names(name, step) AS (
                SELECT (SELECT min(category) FROM \(table)\(first)), 1
                UNION ALL
                SELECT (SELECT min(category) FROM \(table) WHERE category > names.name), step + 1
                FROM names WHERE names.name IS NOT NULL AND step < $2
            )
            SELECT names.name, e.position, e.recorded_at
            FROM names JOIN \(table) e
              ON e.position = (SELECT max(position) FROM \(table) WHERE category = names.name)
            ORDER BY names.name
            """
        var bindings = PostgresBindings()
        bindings.append(after ?? "")
        bindings.append(Int64(limit))
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        return try await withConnection("list categories") { [logger] connection in
            try await connection.allRows(query, logger: logger).map { row in
                let (name, position, recordedAt) = try row.decode((String, Int64, Date).self)
                return CategorySummary(name: name, lastPosition: GlobalPosition(UInt64(clamping: position)), lastRecordedAt: recordedAt)
            }
        }
    }

    public func event(id: UUID) async throws -> RecordedEvent? {
        try await fetchEvents("\(unescaped: selectColumns) WHERE event_id = \(id)").first
    }

    public func recordingTimes(since: Date, amongLast limit: Int) async throws -> [Date] {
        guard limit > 0 else { return [] }
        let query: PostgresQuery = """
            SELECT recorded_at FROM (
                SELECT position, recorded_at FROM \(unescaped: schema.quoted).strata_events ORDER BY position DESC LIMIT \(Int64(limit))
            ) recent
            WHERE recorded_at >= \(since) ORDER BY position DESC
            """
        return try await withConnection("read recording times") { [logger] connection in
            try await connection.allRows(query, logger: logger).map { try $0.decode(Date.self) }
        }
    }

    public func statistics() async throws -> EventStoreStatistics {
        let table = "\(schema.quoted).strata_events"
        let query: PostgresQuery = """
            SELECT count(*), count(DISTINCT stream_id), coalesce(max(position), 0),
                   (SELECT recorded_at FROM \(unescaped: table) ORDER BY position DESC LIMIT 1),
                   (SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
                    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = \(schema.name) AND c.relkind = 'r')
            FROM \(unescaped: table)
            """
        return try await withConnection("read statistics") { [logger] connection in
            var statistics = EventStoreStatistics(eventCount: 0, streamCount: 0, head: .start, headRecordedAt: nil, sizeBytes: nil)
            for row in try await connection.allRows(query, logger: logger) {
                let (events, streams, head, recordedAt, size) = try row.decode((Int64, Int64, Int64, Date?, Int64).self)
                statistics = EventStoreStatistics(
                    eventCount: Int(events),
                    streamCount: Int(streams),
                    head: GlobalPosition(UInt64(clamping: head)),
                    headRecordedAt: recordedAt,
                    sizeBytes: size
                )
            }
            return statistics
        }
    }
}
