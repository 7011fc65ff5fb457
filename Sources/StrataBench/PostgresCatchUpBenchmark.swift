//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata
import StrataPostgres

/// A subscription catching up on a long log: `subscribeToAll(from: .start)` until it reaches the head, next to the
/// bare driver paging through the same table with `ORDER BY position LIMIT 1000`.
struct PostgresCatchUpBenchmark: Sendable {
    var store: PostgresEventStore
    var events: Int

    /// Rows per bare page.
    static let rawPageSize = 1000

    /// Appends `events` events in appends of 1,000, from a few tasks at once so that group commit batches them.
    func seed() async throws {
        let payload = Data(#"{"amount":100}"#.utf8)
        let appendSize = 1000
        let appends = (events + appendSize - 1) / appendSize
        let tasks = 4
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for append in stride(from: task, to: appends, by: tasks) {
                        let count = min(appendSize, events - append * appendSize)
                        let batch = (0..<count).map { _ in NewEvent(type: "Deposited", data: payload) }
                        _ = try await store.append(batch, to: StreamID(category: "account", id: String(append)), expecting: .noStream)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Reads the whole log through a live subscription, stopping at the head. Events per second.
    func strata() async throws -> Double {
        let head = try await store.headPosition()
        return try await rate(operations: events) {
            var delivered = 0
            for try await event in store.subscribeToAll(from: .start) {
                delivered += 1
                if event.position >= head { break }
            }
            guard delivered == events else { throw BenchError("the subscription delivered \(delivered) of \(events) events") }
        }
    }

    /// Pages through the store's events table with the bare driver, decoding the same columns. Events per second.
    func raw(client: PostgresClient) async throws -> Double {
        let table = "\"\(store.configuration.schema)\".strata_events"
        return try await rate(operations: events) {
            var after: Int64 = 0
            var read = 0
            while true {
                let rows = try await client.query(
                    """
                    SELECT position, stream_id, stream_version, event_id, event_type, data, correlation_id, causation_id,
                        metadata, recorded_at
                    FROM \(unescaped: table) WHERE position > \(after) ORDER BY position LIMIT \(Self.rawPageSize)
                    """
                )
                var page = 0
                for try await row in rows.decode((Int64, String, Int64, UUID, String, ByteBuffer, String?, String?, ByteBuffer?, Date).self) {
                    after = row.0
                    page += 1
                }
                read += page
                if page < Self.rawPageSize { break }
            }
            guard read == events else { throw BenchError("the bare reader read \(read) of \(events) events") }
        }
    }
}

/// A benchmark that could not measure what it set out to.
struct BenchError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
