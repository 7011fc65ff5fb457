//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata
import StrataConformance
import StrataPostgres
import StrataSQLite
import StrataTestSupport
import Testing

/// Events in one database feeding read models in the other: SQLite events into a PostgreSQL read store, and
/// PostgreSQL events into a SQLite read store. (Each backend feeding itself is covered by its own test target.)
///
/// PostgreSQL stores get a fresh schema each on the shared server; SQLite stores a temporary folder each. The
/// event stores poll once an hour, so projections can only be woken by the in-process signal of their appends.
struct CrossDatabaseBackend: ReadStoreConformanceBackend {
    /// Whether the events are in SQLite and the read models in PostgreSQL, or the other way round.
    var sqliteEvents: Bool

    private static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-cross-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    private static func sqliteReadStoreConfiguration() -> SQLiteReadStore.Configuration {
        var configuration = SQLiteReadStore.Configuration()
        configuration.durability = .normal
        return configuration
    }

    func makeReadStore() async throws -> any ReadStore {
        if sqliteEvents { return try await TestPostgres.makeReadStore() }
        return try await SQLiteReadStore.open(
            path: Self.folder().appendingPathComponent("read.sqlite").path,
            configuration: Self.sqliteReadStoreConfiguration()
        )
    }

    func makeEventStore() async throws -> any EventStore {
        guard sqliteEvents else {
            var configuration = PostgresEventStore.Configuration(schema: uniqueSchema("e"))
            configuration.pollInterval = .seconds(3600)
            let store = try PostgresEventStore(client: TestPostgres.client, configuration: configuration)
            try await store.migrate()
            return store
        }
        var configuration = SQLiteEventStore.Configuration()
        configuration.pollInterval = .seconds(3600)
        configuration.durability = .normal
        return try await SQLiteEventStore.open(path: Self.folder().appendingPathComponent("events.sqlite").path, configuration: configuration)
    }

    func reopen(_ readStore: any ReadStore) async throws -> any ReadStore {
        if let postgres = readStore as? PostgresReadStore {
            return try await TestPostgres.makeReadStore(schema: postgres.configuration.schema)
        }
        let sqlite = try #require(readStore as? SQLiteReadStore)
        try sqlite.close()
        return try await SQLiteReadStore.open(path: sqlite.path, configuration: Self.sqliteReadStoreConfiguration())
    }

    func dispose(_ readStore: any ReadStore) async throws {
        if let postgres = readStore as? PostgresReadStore {
            try await TestPostgres.dropSchema(postgres.configuration.schema)
        } else if let sqlite = readStore as? SQLiteReadStore {
            try? sqlite.close()
            try? FileManager.default.removeItem(at: URL(fileURLWithPath: sqlite.path).deletingLastPathComponent())
        }
    }

    func dispose(_ eventStore: any EventStore) async throws {
        if let postgres = eventStore as? PostgresEventStore {
            try await TestPostgres.dropSchema(postgres.configuration.schema)
        } else if let sqlite = eventStore as? SQLiteEventStore {
            try? sqlite.close()
            try? FileManager.default.removeItem(at: URL(fileURLWithPath: sqlite.path).deletingLastPathComponent())
        }
    }
}

@Test(
    "SQLite events feed a PostgreSQL read store that passes the read-store conformance suite",
    .timeLimit(.minutes(10)),
    .enabled(if: TestPostgres.isAvailable),
    .serialized,
    arguments: ReadStoreConformanceCheck.all + ReadStoreConformanceCheck.sqlChecks
)
func sqliteEventsIntoPostgresReadStore(_ check: ReadStoreConformanceCheck) async throws {
    try await check.run(on: CrossDatabaseBackend(sqliteEvents: true))
}

@Test(
    "PostgreSQL events feed a SQLite read store that passes the read-store conformance suite",
    .timeLimit(.minutes(10)),
    .enabled(if: TestPostgres.isAvailable),
    .serialized,
    arguments: ReadStoreConformanceCheck.all + ReadStoreConformanceCheck.sqlChecks
)
func postgresEventsIntoSQLiteReadStore(_ check: ReadStoreConformanceCheck) async throws {
    try await check.run(on: CrossDatabaseBackend(sqliteEvents: false))
}
