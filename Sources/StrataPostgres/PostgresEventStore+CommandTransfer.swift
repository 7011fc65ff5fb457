//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata

extension PostgresEventStore: CommandStateTransfer {
    public func snapshots(after cursor: SnapshotCursor?, limit: Int) async throws -> [Snapshot] {
        let query: PostgresQuery = """
            SELECT kind, stream_id, stream_version, position, schema_version, data, taken_at
            FROM \(unescaped: schema.quoted).strata_snapshots
            WHERE (kind, stream_id) > (\(cursor?.kind ?? ""), \(cursor?.stream.rawValue ?? ""))
            ORDER BY kind, stream_id LIMIT \(max(0, limit))
            """
        return try await fetch(query, "read snapshots") { row in
            let (kind, streamText, version, position, schemaVersion, data, takenAt) = try row.decode(
                (String, String, Int64, Int64, Int32, ByteBuffer, Double).self
            )
            guard let stream = try? StreamID(streamText) else {
                throw EventStoreError(.corruptEvent, "a snapshot of kind '\(kind)' has a malformed stream id")
            }
            return Snapshot(
                stream: stream,
                kind: kind,
                version: StreamVersion(UInt64(clamping: version)),
                position: GlobalPosition(UInt64(clamping: position)),
                schemaVersion: Int(schemaVersion),
                data: Data(data.readableBytesView),
                takenAt: Date(timeIntervalSinceReferenceDate: takenAt)
            )
        }
    }

    public func importSnapshots(_ snapshots: [Snapshot]) async throws {
        let snapshots = snapshots
        try await inTransaction("import snapshots") { [self] connection in
            for snapshot in snapshots {
                guard let schemaVersion = Int32(exactly: snapshot.schemaVersion) else {
                    throw EventStoreError(.invalidArgument, "the schema version of the snapshot of '\(snapshot.stream)' is out of range")
                }
                let upsert: PostgresQuery = """
                    INSERT INTO \(unescaped: schema.quoted).strata_snapshots
                        (kind, stream_id, stream_version, position, schema_version, data, taken_at)
                    VALUES (\(snapshot.kind), \(snapshot.stream.rawValue), \(Int64(clamping: snapshot.version.value)),
                            \(Int64(clamping: snapshot.position.value)), \(schemaVersion), \(ByteBuffer(bytes: snapshot.data)),
                            \(snapshot.takenAt.timeIntervalSinceReferenceDate))
                    ON CONFLICT (kind, stream_id) DO UPDATE SET stream_version = excluded.stream_version,
                        position = excluded.position, schema_version = excluded.schema_version, data = excluded.data,
                        taken_at = excluded.taken_at
                    """
                _ = try await rows(upsert, on: connection)
            }
        }
    }

    public func commandOutcomes(after key: String?, limit: Int) async throws -> [CommandOutcomeRecord] {
        let query: PostgresQuery = "\(unescaped: outcomeColumns) WHERE key > \(key ?? "") ORDER BY key LIMIT \(max(0, limit))"
        return try await fetch(query, "read command outcomes", Self.outcomeRecord(from:))
    }

    public func importCommandOutcomes(_ records: [CommandOutcomeRecord]) async throws {
        let records = records
        try await inTransaction("import command outcomes") { [self] connection in
            for record in records {
                let upsert: PostgresQuery = """
                    INSERT INTO \(unescaped: schema.quoted).strata_command_outcomes
                        (key, fingerprint, stream_id, outcome, stream_version, position, recorded_at)
                    VALUES (\(record.key), \(record.fingerprint), \(record.stream.rawValue), \(ByteBuffer(bytes: record.outcome)),
                            \(record.streamVersion.map { Int64(clamping: $0.value) }), \(Int64(clamping: record.position.value)),
                            \(record.recordedAt.timeIntervalSinceReferenceDate))
                    ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, stream_id = excluded.stream_id,
                        outcome = excluded.outcome, stream_version = excluded.stream_version, position = excluded.position,
                        recorded_at = excluded.recorded_at
                    """
                _ = try await rows(upsert, on: connection)
            }
        }
    }
}
