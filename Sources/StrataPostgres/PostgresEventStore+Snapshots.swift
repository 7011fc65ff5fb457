//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata

/// Snapshots live in `strata_snapshots`, one row per kind and stream.
extension PostgresEventStore: SnapshotStore {
    /// Saves `snapshot` in one upsert, so that of two writers racing, the later version stays whatever order
    /// they commit in.
    public func saveSnapshot(_ snapshot: Snapshot) async throws {
        guard let schemaVersion = Int32(exactly: snapshot.schemaVersion) else {
            throw EventStoreError(.invalidArgument, "snapshot schema version \(snapshot.schemaVersion) is out of range")
        }
        let query: PostgresQuery = """
            INSERT INTO \(unescaped: schema.quoted).strata_snapshots AS s
                (kind, stream_id, stream_version, position, schema_version, data, taken_at)
            VALUES (\(snapshot.kind), \(snapshot.stream.rawValue), \(Int64(clamping: snapshot.version.value)),
                    \(Int64(clamping: snapshot.position.value)), \(schemaVersion), \(ByteBuffer(bytes: snapshot.data)),
                    \(snapshot.takenAt.timeIntervalSinceReferenceDate))
            ON CONFLICT (kind, stream_id) DO UPDATE SET
                stream_version = EXCLUDED.stream_version, position = EXCLUDED.position,
                schema_version = EXCLUDED.schema_version, data = EXCLUDED.data, taken_at = EXCLUDED.taken_at
            WHERE NOT (s.schema_version = EXCLUDED.schema_version AND s.stream_version > EXCLUDED.stream_version)
            """
        try await execute(query, "save a snapshot of '\(snapshot.stream)'")
    }

    public func snapshot(of stream: StreamID, kind: String) async throws -> Snapshot? {
        let query: PostgresQuery = """
            SELECT stream_version, position, schema_version, data, taken_at
            FROM \(unescaped: schema.quoted).strata_snapshots
            WHERE kind = \(kind) AND stream_id = \(stream.rawValue)
            """
        return try await fetch(query, "read a snapshot of '\(stream)'") { row in
            let (version, position, schemaVersion, data, takenAt) = try row.decode((Int64, Int64, Int32, ByteBuffer, Double).self)
            return Snapshot(
                stream: stream,
                kind: kind,
                version: StreamVersion(UInt64(max(0, version))),
                position: GlobalPosition(UInt64(max(0, position))),
                schemaVersion: Int(schemaVersion),
                data: Data(data.readableBytesView),
                takenAt: Date(timeIntervalSinceReferenceDate: takenAt)
            )
        }.first
    }

    @discardableResult
    public func deleteSnapshots(kind: String?) async throws -> Int {
        let table = "\(schema.quoted).strata_snapshots"
        let query: PostgresQuery =
            if let kind {
                "WITH deleted AS (DELETE FROM \(unescaped: table) WHERE kind = \(kind) RETURNING 1) SELECT count(*) FROM deleted"
            } else {
                "WITH deleted AS (DELETE FROM \(unescaped: table) RETURNING 1) SELECT count(*) FROM deleted"
            }
        return try await fetch(query, "delete snapshots") { Int(try $0.decode(Int64.self)) }.first ?? 0
    }

    @discardableResult
    public func deleteSnapshots(of stream: StreamID) async throws -> Int {
        let query: PostgresQuery = """
            WITH deleted AS (DELETE FROM \(unescaped: schema.quoted).strata_snapshots WHERE stream_id = \(stream.rawValue) RETURNING 1)
            SELECT count(*) FROM deleted
            """
        return try await fetch(query, "delete snapshots") { Int(try $0.decode(Int64.self)) }.first ?? 0
    }
}
