//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Strata
import StrataSQLite

/// Single-event appends on SQLite: one task in sequence, and many tasks on distinct streams at once, each next
/// to the bare GRDB insert of the same shape.
struct AppendBenchmark {
    var folder: URL
    var appends: Int
    var concurrency: Int
    var durability: SQLiteEventStore.Durability

    private static let payload = Data(#"{"amount":100}"#.utf8)

    /// A fresh database path for one run.
    private func freshPath(_ name: String) throws -> String {
        let runFolder = folder.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: runFolder, withIntermediateDirectories: true)
        return runFolder.appendingPathComponent("events.sqlite").path
    }

    private func openStore(_ name: String) throws -> SQLiteEventStore {
        var configuration = SQLiteEventStore.Configuration()
        configuration.durability = durability
        return try SQLiteEventStore(path: try freshPath(name), configuration: configuration)
    }

    /// One task appends one event at a time, each to a new stream.
    func strataSequential() async throws -> Double {
        let store = try openStore("sequential")
        defer { try? store.close() }
        return try await rate(operations: appends) {
            for n in 0..<appends {
                let stream = StreamID(category: "account", id: String(n))
                _ = try await store.append([NewEvent(type: "Deposited", data: Self.payload)], to: stream, expecting: .noStream)
            }
        }
    }

    /// `concurrency` tasks, each appending one event at a time to its own stream with an exact expected version.
    func strataConcurrent() async throws -> Double {
        let store = try openStore("concurrent")
        defer { try? store.close() }
        let perTask = appends / concurrency
        return try await rate(operations: perTask * concurrency) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<concurrency {
                    group.addTask {
                        let stream = StreamID(category: "account", id: String(task))
                        for n in 0..<perTask {
                            let expected: ExpectedVersion = n == 0 ? .noStream : .exactly(StreamVersion(UInt64(n - 1)))
                            _ = try await store.append([NewEvent(type: "Deposited", data: Self.payload)], to: stream, expecting: expected)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    /// The bare driver: one INSERT per transaction into the same table shape, with no Strata code.
    func rawSequential() async throws -> Double {
        let pool = try openRawPool("raw-sequential")
        defer { try? pool.close() }
        return try await rate(operations: appends) {
            for n in 0..<appends {
                try await pool.write { db in try insertRaw(db, stream: "account-\(n)", version: 0) }
            }
        }
    }

    /// The bare driver with `concurrency` tasks: each write is its own transaction and its own flush.
    func rawConcurrent() async throws -> Double {
        let pool = try openRawPool("raw-concurrent")
        defer { try? pool.close() }
        let perTask = appends / concurrency
        return try await rate(operations: perTask * concurrency) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<concurrency {
                    group.addTask {
                        for n in 0..<perTask {
                            try await pool.write { db in try insertRaw(db, stream: "account-\(task)", version: n) }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    private func openRawPool(_ name: String) throws -> DatabasePool {
        let pool = try DatabasePool(path: try freshPath(name))
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability.description.uppercased())")
            try db.execute(
                sql: """
                    CREATE TABLE events (
                        position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, stream_version INTEGER NOT NULL,
                        event_id TEXT NOT NULL, event_type TEXT NOT NULL, category TEXT NOT NULL, data BLOB NOT NULL,
                        correlation_id TEXT, causation_id TEXT, metadata BLOB, recorded_at REAL NOT NULL);
                    CREATE UNIQUE INDEX events_stream ON events (stream_id, stream_version);
                    CREATE UNIQUE INDEX events_event_id ON events (event_id);
                    CREATE INDEX events_category ON events (category, position);
                    CREATE INDEX events_type ON events (event_type, position);
                    """
            )
        }
        return pool
    }
}

private func insertRaw(_ db: Database, stream: String, version: Int) throws {
    let statement = try db.cachedStatement(
        sql: "INSERT INTO events (stream_id, stream_version, event_id, event_type, category, data, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
    )
    try statement.execute(arguments: [
        stream, version, UUID().uuidString, "Deposited", "account", Data(#"{"amount":100}"#.utf8), Date().timeIntervalSince1970,
    ])
}
