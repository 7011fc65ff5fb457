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
