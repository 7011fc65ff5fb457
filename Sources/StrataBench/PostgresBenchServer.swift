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

/// The PostgreSQL server the benchmarks run against, and what every workload needs from it: a Strata store in a
/// fresh schema, a bare client, and a bare table of the same shape as the store's events table.
struct PostgresBenchServer: Sendable {
    let url: String

    /// A schema name no other run uses.
    static func freshSchema(_ prefix: String) -> String {
        "bench_\(prefix)_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12))"
    }

    /// Runs `body` with a migrated store in a fresh schema, on the store's own client (as in production),
    /// dropping the schema afterwards.
    func withStore<T: Sendable>(
        _ prefix: String,
        _ body: @escaping @Sendable (PostgresEventStore) async throws -> T
    ) async throws -> T {
        let schema = Self.freshSchema(prefix)
        let store = try PostgresEventStore(url: url, configuration: .init(schema: schema))
        let outcome: Result<T, any Error>
        do {
            outcome = .success(
                try await withThrowingTaskGroup(of: T?.self) { group in
                    group.addTask {
                        try await store.run()
                        return nil
                    }
                    defer { group.cancelAll() }
                    try await store.migrate()
                    return try await body(store)
                }
            )
        } catch {
            outcome = .failure(error)
        }
        try await withClient(connections: 1) { client in try await Self.dropSchema(schema, on: client) }
        return try outcome.get()
    }

    /// Runs `body` with a bare postgres-nio client of `connections` connections.
    func withClient<T: Sendable>(connections: Int, _ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        var configuration = try PostgresConnectionSettings(url: url).client
        configuration.options.maximumConnections = connections
        let client = PostgresClient(configuration: configuration)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// Runs `body` with a bare client and a fresh schema holding `events`, a table of the same columns, keys and
    /// indexes as the store's, numbered by a plain identity column; drops the schema afterwards.
    func withRawTable<T: Sendable>(
        _ prefix: String,
        connections: Int,
        _ body: @escaping @Sendable (PostgresClient, String) async throws -> T
    ) async throws -> T {
        let schema = Self.freshSchema(prefix)
        return try await withClient(connections: connections) { client in
            for statement in Self.rawTable(schema) {
                try await client.query(PostgresQuery(unsafeSQL: statement))
            }
            do {
                let result = try await body(client, "\"\(schema)\".events")
                try await Self.dropSchema(schema, on: client)
                return result
            } catch {
                try? await Self.dropSchema(schema, on: client)
                throw error
            }
        }
    }

    static func dropSchema(_ schema: String, on client: PostgresClient) async throws {
        try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"))
    }

    private static func rawTable(_ schema: String) -> [String] {
        [
            "CREATE SCHEMA \"\(schema)\"",
            """
            CREATE TABLE "\(schema)".events (
                position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                stream_id text NOT NULL,
                stream_version bigint NOT NULL,
                event_id uuid NOT NULL,
                event_type text NOT NULL,
                category text NOT NULL,
                data bytea NOT NULL,
                correlation_id text,
                causation_id text,
                metadata bytea,
                recorded_at timestamptz NOT NULL,
                UNIQUE (stream_id, stream_version),
                UNIQUE (event_id)
            )
            """,
            "CREATE INDEX ON \"\(schema)\".events (category, position)",
            "CREATE INDEX ON \"\(schema)\".events (event_type, position)",
        ]
    }
}
