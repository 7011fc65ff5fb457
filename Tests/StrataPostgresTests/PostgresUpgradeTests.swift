//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Logging
import PostgresNIO
import Strata
import StrataTestSupport
import Testing

@testable import StrataPostgres

/// A store's plan cut short after its first migrations: a database as an older release left it.
private struct FirstMigrations: PostgresMigrationPlan {
    let schema: PostgresSchema
    let count: Int

    var name: String { schema.name }
    var quoted: String { schema.quoted }
    var versionTable: String { schema.versionTable }
    var lockKey: String { schema.lockKey }
    var bootstrap: [String] { schema.bootstrap }
    var migrations: [PostgresSchema.Migration] { Array(schema.migrations.prefix(count)) }
}

@Suite("PostgreSQL schema upgrades", .timeLimit(.minutes(10)), .enabled(if: TestPostgres.isAvailable))
struct PostgresUpgradeTests {
    @Test("a store written before the command-side migration upgrades in place: old events read as schema version 1")
    func upgradeFromVersion2() async throws {
        let name = uniqueSchema()
        let logger = Logger(label: "strata.test.upgrade")
        let old = PostgresMigrator(
            client: TestPostgres.client,
            schema: FirstMigrations(schema: PostgresSchema(name: name), count: 2),
            logger: logger,
            connectionWaitLimit: .seconds(10)
        )
        try await old.migrate()
        // An append as the version-2 writer made it: the old function, without schema versions.
        let id = UUID()
        try await TestPostgres.client.query(
            """
            SELECT outcome FROM "\(unescaped: name)".strata_append(
                \(["order-1"]), \(["order"]), \([Int16(1)]), \([Int64(-1)]), \([Int32(1)]),
                \([id]), \(["Placed"]), \([ByteBuffer(string: "{}")]), \([""]), \([false]), \([""]), \([false]),
                \([ByteBuffer()]), \([false]))
            """,
            logger: logger
        )

        let store = try await TestPostgres.makeStore(schema: name)
        do {
            #expect(try await store.readStream("order-1").map(\.schemaVersion) == [1])
            var reshaped = NewEvent(type: "Placed", data: Data("{}".utf8))
            reshaped.schemaVersion = 2
            _ = try await store.append([reshaped], to: "order-1", expecting: .exactly(0))
            #expect(try await store.readStream("order-1").map(\.schemaVersion) == [1, 2])
            #expect(try await store.readStream("order-1").first?.id == id)
            try await store.deleteStream("order-1", expecting: .exactly(1))
            #expect(try await store.currentVersion(of: "order-1") == nil)
        } catch {
            try? await TestPostgres.dropSchema(name)
            throw error
        }
        try await TestPostgres.dropSchema(name)
    }
}
