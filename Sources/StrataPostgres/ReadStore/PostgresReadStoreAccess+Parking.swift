//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata

/// Parked events: the dead-letter table, one row per projection, generation and position.
///
/// Times are `timestamptz`, so operators can read them in `psql`; they keep microseconds, as the PostgreSQL
/// event store does.
extension PostgresReadStoreAccess {
    private var parkedColumns: String {
        """
        SELECT projection, generation, position, stream_id, stream_version, event_id, event_type, data, metadata,
               recorded_at, error, attempts, parked_at, schema_version
        FROM \(schema.parkedEvents)
        """
    }

    private static func parked(from row: PostgresRow) throws -> ParkedEvent {
        typealias Columns = (String, Int64, Int64, String, Int64, UUID, String, ByteBuffer, ByteBuffer?, Date, String, Int64, Date, Int32)
        let (projection, generation, position, streamText, version, id, type, data, metadataBytes, recordedAt, error, attempts, parkedAt, shape) =
            try row.decode(Columns.self)
        let metadata: EventMetadata
        let stream: StreamID
        do {
            metadata = try metadataBytes.map { try JSONDecoder().decode(EventMetadata.self, from: Data($0.readableBytesView)) } ?? EventMetadata()
            stream = try StreamID(streamText)
        } catch {
            throw ReadStoreError(.corruptData, "the event of '\(projection)' parked at position \(position) does not decode", underlying: error)
        }
        let event = RecordedEvent(
            id: id,
            stream: stream,
            version: StreamVersion(UInt64(max(0, version))),
            position: try Self.position(position, of: "the event of '\(projection)' parked"),
            type: type,
            data: Data(data.readableBytesView),
            metadata: metadata,
            recordedAt: recordedAt,
            schemaVersion: Int(shape)
        )
        return ParkedEvent(
            projection: projection,
            generation: Int(generation),
            event: event,
            error: error,
            attempts: Int(attempts),
            parkedAt: parkedAt
        )
    }

    func parkedEvents(projection: String, generation: Int) async throws -> [ParkedEvent] {
        try await rows(
            "\(unescaped: parkedColumns) WHERE projection = \(projection) AND generation = \(Int64(generation)) ORDER BY position",
            "read the parked events of '\(projection)'"
        ).map(Self.parked(from:))
    }

    /// Inside a transaction the row is locked until the end, so a read-modify-write of a parked event (a replay
    /// counting an attempt) cannot lose a concurrent one.
    func parkedEvent(projection: String, generation: Int, position: GlobalPosition) async throws -> ParkedEvent? {
        let lock = mode == .transaction ? " FOR UPDATE" : ""
        return try await rows(
            """
            \(unescaped: parkedColumns)
            WHERE projection = \(projection) AND generation = \(Int64(generation)) AND position = \(Int64(clamping: position.value))\(unescaped: lock)
            """,
            "read a parked event of '\(projection)'"
        ).first.map(Self.parked(from:))
    }

    func parkedStreams(projection: String, generation: Int) async throws -> Set<StreamID> {
        let rows = try await rows(
            "SELECT DISTINCT stream_id FROM \(unescaped: schema.parkedEvents) WHERE projection = \(projection) AND generation = \(Int64(generation))",
            "read the parked streams of '\(projection)'"
        )
        var streams = Set<StreamID>()
        for row in rows {
            let text = try row.decode(String.self)
            guard let stream = try? StreamID(text) else {
                throw ReadStoreError(.corruptData, "a parked event of '\(projection)' has a malformed stream id '\(text)'")
            }
            streams.insert(stream)
        }
        return streams
    }

    func parkedCount(projection: String, generation: Int) async throws -> Int {
        let rows = try await rows(
            "SELECT count(*) FROM \(unescaped: schema.parkedEvents) WHERE projection = \(projection) AND generation = \(Int64(generation))",
            "count the parked events of '\(projection)'"
        )
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    func park(_ parked: ParkedEvent) async throws {
        try requireWriting()
        let event = parked.event
        let metadata = event.metadata.isEmpty ? nil : ByteBuffer(bytes: try JSONEncoder().encode(event.metadata))
        guard let schemaVersion = Int32(exactly: event.schemaVersion) else {
            throw ReadStoreError(.invalidArgument, "schema version \(event.schemaVersion) of parked event \(event.id) is out of range")
        }
        // to_timestamp rounds to the microsecond, so a time read back and parked again stays the same.
        try await execute(
            """
            INSERT INTO \(unescaped: schema.parkedEvents)
            (projection, generation, position, stream_id, stream_version, event_id, event_type, data, metadata,
             recorded_at, error, attempts, parked_at, schema_version)
            VALUES (\(parked.projection), \(Int64(parked.generation)), \(Int64(clamping: event.position.value)), \(event.stream.rawValue),
                    \(Int64(clamping: event.version.value)), \(event.id), \(event.type), \(ByteBuffer(bytes: event.data)), \(metadata),
                    to_timestamp(\(event.recordedAt.timeIntervalSince1970)), \(parked.error), \(Int64(parked.attempts)),
                    to_timestamp(\(parked.parkedAt.timeIntervalSince1970)), \(schemaVersion))
            ON CONFLICT (projection, generation, position) DO UPDATE SET
                stream_id = EXCLUDED.stream_id, stream_version = EXCLUDED.stream_version, event_id = EXCLUDED.event_id,
                event_type = EXCLUDED.event_type, data = EXCLUDED.data, metadata = EXCLUDED.metadata,
                recorded_at = EXCLUDED.recorded_at, error = EXCLUDED.error, attempts = EXCLUDED.attempts, parked_at = EXCLUDED.parked_at,
                schema_version = EXCLUDED.schema_version
            """,
            "park an event of '\(parked.projection)'"
        )
    }

    func removeParkedEvent(projection: String, generation: Int, position: GlobalPosition) async throws {
        try requireWriting()
        try await execute(
            """
            DELETE FROM \(unescaped: schema.parkedEvents)
            WHERE projection = \(projection) AND generation = \(Int64(generation)) AND position = \(Int64(clamping: position.value))
            """,
            "remove a parked event of '\(projection)'"
        )
    }

    func removeParkedEvents(projection: String, generation: Int) async throws {
        try requireWriting()
        try await execute(
            "DELETE FROM \(unescaped: schema.parkedEvents) WHERE projection = \(projection) AND generation = \(Int64(generation))",
            "remove the parked events of '\(projection)'"
        )
    }
}
