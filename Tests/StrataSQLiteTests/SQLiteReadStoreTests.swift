//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataConformance
import StrataSQLite
import Testing

/// A read store in its own temporary folder, fed by an in-memory or a SQLite event store (in its own file).
struct SQLiteReadStoreBackend: ReadStoreConformanceBackend {
    var sqliteEvents: Bool

    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func configuration() -> SQLiteReadStore.Configuration {
        var configuration = SQLiteReadStore.Configuration()
        configuration.durability = .normal
        return configuration
    }

    func makeReadStore() async throws -> any ReadStore {
        try await SQLiteReadStore.open(path: Self.folder().appendingPathComponent("read.sqlite").path, configuration: Self.configuration())
    }

    func makeEventStore() async throws -> any EventStore {
        guard sqliteEvents else { return InMemoryEventStore() }
        var configuration = SQLiteEventStore.Configuration()
        configuration.pollInterval = .seconds(3600)
        configuration.durability = .normal
        return try await SQLiteEventStore.open(path: Self.folder().appendingPathComponent("events.sqlite").path, configuration: configuration)
    }

    func reopen(_ readStore: any ReadStore) async throws -> any ReadStore {
        let sqlite = try #require(readStore as? SQLiteReadStore)
        try sqlite.close()
        return try await SQLiteReadStore.open(path: sqlite.path, configuration: Self.configuration())
    }

    func dispose(_ readStore: any ReadStore) async throws {
        guard let sqlite = readStore as? SQLiteReadStore else { return }
        try? sqlite.close()
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: sqlite.path).deletingLastPathComponent())
    }

    func dispose(_ eventStore: any EventStore) async throws {
        guard let sqlite = eventStore as? SQLiteEventStore else { return }
        try? sqlite.close()
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: sqlite.path).deletingLastPathComponent())
    }
}

@Test(
    "the SQLite read store, fed by an in-memory event store, passes the read-store conformance suite",
    .timeLimit(.minutes(5)),
    arguments: ReadStoreConformanceCheck.all + ReadStoreConformanceCheck.sqlChecks
)
func sqliteReadStoreConformance(_ check: ReadStoreConformanceCheck) async throws {
    try await check.run(on: SQLiteReadStoreBackend(sqliteEvents: false))
}

@Test(
    "the SQLite read store, fed by a SQLite event store, passes the read-store conformance suite",
    .timeLimit(.minutes(5)),
    arguments: ReadStoreConformanceCheck.all + ReadStoreConformanceCheck.sqlChecks
)
func sqliteReadStoreOnSQLiteEventsConformance(_ check: ReadStoreConformanceCheck) async throws {
    try await check.run(on: SQLiteReadStoreBackend(sqliteEvents: true))
}

@Suite("SQLite read store", .timeLimit(.minutes(5)))
struct SQLiteReadStoreTests {
    @Test("a read store is a WAL database, fully durable by default")
    func durability() async throws {
        let folder = try SQLiteReadStoreBackend.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await SQLiteReadStore.open(path: folder.appendingPathComponent("read.sqlite").path)
        #expect(store.configuration.durability == .full)
        #expect(try await store.effectiveDurability() == .full)
        #expect(try await store.journalMode() == "wal")
        try store.close()
    }

    @Test("lookups by an indexed field use a SQL index")
    func indexedLookups() async throws {
        let folder = try SQLiteReadStoreBackend.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await SQLiteReadStore.open(path: folder.appendingPathComponent("read.sqlite").path)
        try await store.withTransaction { tx in
            try await tx.createCollection("orders__g1", indexes: ["customer", "status"])
            for index in 0..<50 {
                try await tx.putDocument(
                    Data(#"{"customer":"c\#(index % 5)","status":"open"}"#.utf8),
                    key: "o\(index)",
                    indexValues: ["customer": .text("c\(index % 5)"), "status": "open"],
                    in: "orders__g1"
                )
            }
        }
        let plan = try await store.withReader { reader in
            try await reader.sql!.query(#"EXPLAIN QUERY PLAN SELECT key, document FROM "orders__g1" WHERE i0 = ? ORDER BY i0 ASC, key ASC"#, ["c1"])
        }
        let details = plan.compactMap { $0["detail"].string }.joined(separator: "; ")
        #expect(details.contains("USING INDEX orders__g1_i0") || details.contains("USING COVERING INDEX orders__g1_i0"), "\(details)")
        let found = try await store.withReader { reader in
            try await reader.documents(in: "orders__g1", matching: .where("customer", .equal, "c1").limit(3)).map(\.key)
        }
        #expect(found == ["o1", "o11", "o16"])
        try store.close()
    }
}
