//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import StrataPostgres
import Testing

/// The PostgreSQL server `scripts/test.sh` starts (STRATA_TEST_POSTGRES_URL), shared by every integration test;
/// each store works in its own schema.
enum IntegrationPostgres {
    static let url = ProcessInfo.processInfo.environment["STRATA_TEST_POSTGRES_URL"]

    static var isAvailable: Bool { url != nil }

    /// One client for the whole test process, running until the process exits.
    static let client: PostgresClient = {
        let settings = try! PostgresConnectionSettings(url: url!)
        var configuration = settings.client
        configuration.options.maximumConnections = 40
        let client = PostgresClient(configuration: configuration)
        // Test support only: the shared client lives as long as the test process.
        Task { await client.run() }
        return client
    }()

    /// A schema name no other test uses.
    static func uniqueSchema(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20))"
    }

    /// A migrated read store in a fresh schema (or `schema`).
    static func makeReadStore(schema: String = uniqueSchema("r")) async throws -> PostgresReadStore {
        let store = try PostgresReadStore(client: client, configuration: .init(schema: schema))
        try await store.migrate()
        return store
    }

    static func dropSchema(_ schema: String) async throws {
        try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"))
    }
}

/// Fails when CI expects PostgreSQL and it is missing, so that the cross-database checks never skip silently there.
@Test("PostgreSQL is available to the integration tests when CI runs them", .timeLimit(.minutes(10)))
func postgresIsAvailableToIntegrationTestsInCI() {
    if ProcessInfo.processInfo.environment["CI"] == "true" {
        #expect(IntegrationPostgres.isAvailable, "CI=true but STRATA_TEST_POSTGRES_URL is not set: run the tests through scripts/test.sh")
    }
}
