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

/// Appends on PostgreSQL: single events from one task, single events from many tasks on distinct streams, and
/// 100-event appends, each next to the bare postgres-nio insert of the same rows into a table of the same shape.
struct PostgresAppendBenchmark: Sendable {
    var server: PostgresBenchServer
    var appends: Int
    var concurrency: Int
    var batchAppends: Int
    var batchSize: Int

    private static let payload = Data(#"{"amount":100}"#.utf8)

    private static func event() -> NewEvent {
        NewEvent(type: "Deposited", data: payload)
    }

    /// One task appends one event at a time, each to a new stream. Appends per second.
    func strataSequential() async throws -> Double {
        try await server.withStore("seq") { store in
            try await rate(operations: appends) {
                for n in 0..<appends {
                    _ = try await store.append([Self.event()], to: StreamID(category: "account", id: String(n)), expecting: .noStream)
                }
            }
        }
    }

    /// `concurrency` tasks, each appending one event at a time to its own stream with an exact expected version.
    /// Appends per second.
    func strataConcurrent() async throws -> Double {
        let perTask = appends / concurrency
        return try await server.withStore("conc") { store in
            try await rate(operations: perTask * concurrency) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for task in 0..<concurrency {
                        group.addTask {
                            let stream = StreamID(category: "account", id: String(task))
                            for n in 0..<perTask {
                                let expected: ExpectedVersion = n == 0 ? .noStream : .exactly(StreamVersion(UInt64(n - 1)))
                                _ = try await store.append([Self.event()], to: stream, expecting: expected)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
        }
    }

    /// One task makes `batchAppends` appends of `batchSize` events, each to a new stream. Events per second.
    func strataBatches() async throws -> Double {
        try await server.withStore("batch") { store in
            try await rate(operations: batchAppends * batchSize) {
                for n in 0..<batchAppends {
                    let events = (0..<batchSize).map { _ in Self.event() }
                    _ = try await store.append(events, to: StreamID(category: "account", id: String(n)), expecting: .noStream)
                }
            }
        }
    }

    /// The bare driver: one INSERT per transaction, one task. Inserts per second.
    func rawSequential() async throws -> Double {
        try await server.withRawTable("rawseq", connections: 1) { client, table in
            try await rate(operations: appends) {
                for n in 0..<appends {
                    try await insert(into: table, stream: "account-\(n)", firstVersion: 0, count: 1, on: client)
                }
            }
        }
    }

    /// The bare driver with `concurrency` tasks, each doing its own INSERT transactions on a pool with a connection
    /// for every task. Inserts per second.
    func rawConcurrent() async throws -> Double {
        let perTask = appends / concurrency
        return try await server.withRawTable("rawconc", connections: concurrency) { client, table in
            try await rate(operations: perTask * concurrency) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for task in 0..<concurrency {
                        group.addTask {
                            for n in 0..<perTask {
                                try await insert(into: table, stream: "account-\(task)", firstVersion: n, count: 1, on: client)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
        }
    }

    /// The bare driver: one multi-row INSERT of `batchSize` rows per transaction. Events per second.
    func rawBatches() async throws -> Double {
        try await server.withRawTable("rawbatch", connections: 1) { client, table in
            try await rate(operations: batchAppends * batchSize) {
                for n in 0..<batchAppends {
                    try await insert(into: table, stream: "account-\(n)", firstVersion: 0, count: batchSize, on: client)
                }
            }
        }
    }

    /// Inserts `count` events of one stream with one statement, in its own transaction.
    private func insert(into table: String, stream: String, firstVersion: Int, count: Int, on client: PostgresClient) async throws {
        if count == 1 {
            try await client.query(
                """
                INSERT INTO \(unescaped: table) (stream_id, stream_version, event_id, event_type, category, data, recorded_at)
                VALUES (\(stream), \(Int64(firstVersion)), \(UUID()), 'Deposited', 'account', \(ByteBuffer(bytes: Self.payload)), now())
                """
            )
            return
        }
        let versions = (0..<count).map { Int64(firstVersion + $0) }
        let ids = (0..<count).map { _ in UUID() }
        let payloads = Array(repeating: ByteBuffer(bytes: Self.payload), count: count)
        try await client.query(
            """
            INSERT INTO \(unescaped: table) (stream_id, stream_version, event_id, event_type, category, data, recorded_at)
            SELECT \(stream), version, id, 'Deposited', 'account', data, now()
            FROM unnest(\(versions), \(ids), \(payloads)) AS rows (version, id, data)
            """
        )
    }
}
