//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO

/// The bare postgres-nio baseline: the store's columns in a plain table; one statement per transaction.
struct PostgresRawTable: RawEventTable {
    let client: PostgresClient
    let table: String

    func append(_ events: [(type: String, data: Data)], to stream: String, firstVersion: Int64) async throws {
        let versions = (0..<events.count).map { firstVersion + Int64($0) }
        let ids = events.map { _ in UUID.timeOrdered() }
        let types = events.map(\.type)
        let payloads = events.map { ByteBuffer(bytes: $0.data) }
        try await client.query(
            """
            INSERT INTO \(unescaped: table) (stream_id, stream_version, event_id, event_type, category, data, recorded_at)
            SELECT \(stream), version, id, type, 'account', data, now()
            FROM unnest(\(versions), \(ids), \(types), \(payloads)) AS rows (version, id, type, data)
            """
        )
    }

    func readStream(_ stream: String) async throws -> [RawEvent] {
        let rows = try await client.query(
            "SELECT position, stream_version, event_type, data FROM \(unescaped: table) WHERE stream_id = \(stream) ORDER BY stream_version"
        )
        var events: [RawEvent] = []
        for try await (position, version, type, data) in rows.decode((Int64, Int64, String, ByteBuffer).self) {
            events.append(RawEvent(position: position, version: version, type: type, data: Data(data.readableBytesView)))
        }
        return events
    }

    func readPage(after position: Int64, limit: Int) async throws -> [RawEvent] {
        let rows = try await client.query(
            "SELECT position, stream_version, event_type, data FROM \(unescaped: table) WHERE position > \(position) ORDER BY position LIMIT \(Int64(limit))"
        )
        var events: [RawEvent] = []
        for try await (position, version, type, data) in rows.decode((Int64, Int64, String, ByteBuffer).self) {
            events.append(RawEvent(position: position, version: version, type: type, data: Data(data.readableBytesView)))
        }
        return events
    }
}
