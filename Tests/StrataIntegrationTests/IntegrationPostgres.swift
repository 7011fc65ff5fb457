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

/// The cross-database checks may be skipped only when the run says so (`STRATA_TEST_SKIP_POSTGRES=1`).
@Test("PostgreSQL is there for the integration tests, unless the run opted out with STRATA_TEST_SKIP_POSTGRES=1", .timeLimit(.minutes(1)))
func postgresIsRequiredByIntegrationTests() {
    guard ProcessInfo.processInfo.environment["STRATA_TEST_SKIP_POSTGRES"] != "1" else { return }
    #expect(
        IntegrationPostgres.isAvailable,
        "STRATA_TEST_POSTGRES_URL is not set: run the tests through scripts/test.sh, or opt out with STRATA_TEST_SKIP_POSTGRES=1")
}
