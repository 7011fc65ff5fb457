//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import StrataPostgres

/// The throwaway server `scripts/test.sh` starts (STRATA_TEST_POSTGRES_URL), shared by every PostgreSQL test of a
/// test process; each test works in its own schema (uniqueSchema(_:)).
public enum TestPostgres {
    public static let url = ProcessInfo.processInfo.environment["STRATA_TEST_POSTGRES_URL"]

    public static var isAvailable: Bool { url != nil }

    /// Whether the run opted out of PostgreSQL (`STRATA_TEST_SKIP_POSTGRES=1`): the only reason a PostgreSQL
    /// test may be skipped.
    public static var isSkipped: Bool { ProcessInfo.processInfo.environment["STRATA_TEST_SKIP_POSTGRES"] == "1" }

    /// One client for the whole test process, running until the process exits.
    public static let client = makeClient()

    /// A second client, for read-store tests: their many parallel projection runners would otherwise take the
    /// connections that the event store's timing-sensitive tests wait for.
    public static let readStoreClient = makeClient()

    private static func makeClient() -> PostgresClient {
        let settings = try! PostgresConnectionSettings(url: url!)
        var configuration = settings.client
        configuration.options.maximumConnections = 40
        let client = PostgresClient(configuration: configuration)
        // Test support only: the shared client lives as long as the test process.
        Task { await client.run() }
        return client
    }

    /// A migrated event store in a fresh schema (or `schema`) on `client`.
    public static func makeStore(
        schema: String = uniqueSchema(),
        on client: PostgresClient = client,
        configure: (inout PostgresEventStore.Configuration) -> Void = { _ in }
    ) async throws -> PostgresEventStore {
        var configuration = PostgresEventStore.Configuration(schema: schema)
        configure(&configuration)
        let store = try PostgresEventStore(client: client, configuration: configuration)
        try await store.migrate()
        return store
    }

    /// A migrated read store in a fresh schema (or `schema`) on `client`.
    public static func makeReadStore(schema: String = uniqueSchema("r"), on client: PostgresClient = client) async throws -> PostgresReadStore {
        let store = try PostgresReadStore(client: client, configuration: .init(schema: schema))
        try await store.migrate()
        return store
    }

    /// Drops `schema` and everything in it.
    public static func dropSchema(_ schema: String, on client: PostgresClient = client) async throws {
        try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"))
    }
}
