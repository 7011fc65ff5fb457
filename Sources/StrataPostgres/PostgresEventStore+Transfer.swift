//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata

extension PostgresEventStore: LogTransfer {
    public func streamRecords(after stream: StreamID?, limit: Int) async throws -> [StreamRecord] {
        let query: PostgresQuery = """
            SELECT stream_id, truncate_before, deleted FROM \(unescaped: schema.quoted).strata_streams
            WHERE stream_id > \(stream?.rawValue ?? "") ORDER BY stream_id LIMIT \(max(0, limit))
            """
        return try await fetch(query, "read stream records") { row in
            let (stream, truncateBefore, deleted) = try row.decode((String, Int64, Bool).self)
            return StreamRecord(stream: try StreamID(stream), truncateBefore: StreamVersion(UInt64(clamping: truncateBefore)), isDeleted: deleted)
        }
    }

    /// Inserts the events in one transaction that holds the head row, as an append does, so that no append can
    /// number events between the import's; the head moves to the last imported position.
    public func importEvents(_ events: [RecordedEvent]) async throws {
        guard let first = events.first, let last = events.last else { return }
        try LogTransferRules.checkContiguous(events)
        let events = events
        try await inTransaction("import events") { [self] connection in
            let head = try await rows("SELECT position FROM \(unescaped: schema.quoted).strata_head FOR UPDATE", on: connection)
            try LogTransferRules.checkFollows(head: UInt64(clamping: try head.first?.decode(Int64.self) ?? 0), first: first)
            let inserted = try await rows(try importStatement(events), on: connection).map { try $0.decode(UUID.self) }
            guard inserted.count == events.count else {
                let stored = Set(inserted)
                let refused = events.first { !stored.contains($0.id) }
                throw EventStoreError(
                    .invalidArgument,
                    "event \(refused?.id.uuidString ?? "?") (\(refused.map { "\($0.stream) version \($0.version)" } ?? "?")) is already in "
                        + "the store, or its version is taken"
                )
            }
            let moveHead: PostgresQuery = "UPDATE \(unescaped: schema.quoted).strata_head SET position = \(Int64(clamping: last.position.value))"
            _ = try await rows(moveHead, on: connection)
        }
        signal.notify()
    }

    /// One statement that inserts every event of a batch from arrays, one per column: a batch costs one round trip
    /// rather than one per event. A conflicting event (its id stored, or its stream's version taken) is left out,
    /// and the caller compares what was inserted with what was sent.
    private func importStatement(_ events: [RecordedEvent]) throws -> PostgresQuery {
        var (positions, streams, versions, ids, types, categories) = ([Int64](), [String](), [Int64](), [UUID](), [String](), [String]())
        var (payloads, correlations, hasCorrelation, causations, hasCausation) = ([ByteBuffer](), [String](), [Bool](), [String](), [Bool]())
        var (metadata, hasMetadata, recordedAt, schemaVersions) = ([ByteBuffer](), [Bool](), [Date](), [Int32]())
        for event in events {
            guard let position = Int64(exactly: event.position.value), let version = Int64(exactly: event.version.value),
                let schemaVersion = Int32(exactly: event.schemaVersion)
            else {
                throw EventStoreError(.invalidArgument, "event \(event.id) has a position, version or schema version out of range")
            }
            positions.append(position)
            streams.append(event.stream.rawValue)
            versions.append(version)
            ids.append(event.id)
            types.append(event.type)
            categories.append(event.stream.category)
            payloads.append(ByteBuffer(bytes: event.data))
            correlations.append(event.metadata.correlationID ?? "")
            hasCorrelation.append(event.metadata.correlationID != nil)
            causations.append(event.metadata.causationID ?? "")
            hasCausation.append(event.metadata.causationID != nil)
            metadata.append(event.metadata.custom.isEmpty ? ByteBuffer() : ByteBuffer(bytes: try JSONEncoder().encode(event.metadata.custom)))
            hasMetadata.append(!event.metadata.custom.isEmpty)
            recordedAt.append(event.recordedAt)
            schemaVersions.append(schemaVersion)
        }
        return """
            INSERT INTO \(unescaped: schema.quoted).strata_events
                (position, stream_id, stream_version, event_id, event_type, category, data, correlation_id, causation_id, metadata,
                 recorded_at, schema_version)
            SELECT p, s, v, id, t, c, d, CASE WHEN hc THEN co END, CASE WHEN hca THEN ca END, CASE WHEN hm THEN m END, r, sv
            FROM unnest(\(positions), \(streams), \(versions), \(ids), \(types), \(categories), \(payloads), \(correlations),
                        \(hasCorrelation), \(causations), \(hasCausation), \(metadata), \(hasMetadata), \(recordedAt), \(schemaVersions))
                AS u(p, s, v, id, t, c, d, co, hc, ca, hca, m, hm, r, sv)
            ORDER BY p
            ON CONFLICT DO NOTHING RETURNING event_id
            """
    }

    public func importStreamRecords(_ records: [StreamRecord]) async throws {
        let records = records
        try await inTransaction("import stream records") { [self] connection in
            for record in records {
                let upsert: PostgresQuery = """
                    INSERT INTO \(unescaped: schema.quoted).strata_streams (stream_id, truncate_before, deleted)
                    VALUES (\(record.stream.rawValue), \(Int64(clamping: record.truncateBefore.value)), \(record.isDeleted))
                    ON CONFLICT (stream_id) DO UPDATE SET truncate_before = excluded.truncate_before, deleted = excluded.deleted
                    """
                _ = try await rows(upsert, on: connection)
            }
        }
    }
}
