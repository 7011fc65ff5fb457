//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging
import PostgresNIO

/// A versioned schema that PostgresMigrator applies: the event store's and the read store's.
///
/// Each keeps its own version table and its own lock, so an event store and a read store can share one
/// PostgreSQL schema without mistaking each other's migrations.
protocol PostgresMigrationPlan: Sendable {
    /// The PostgreSQL schema, already validated as a plain identifier.
    var name: String { get }
    /// The quoted schema name, for SQL text.
    var quoted: String { get }
    /// The unquoted name of the table, inside the schema, that records the applied versions.
    var versionTable: String { get }
    /// The advisory-lock key that serialises concurrent migrators of this plan.
    var lockKey: String { get }
    /// Idempotent statements that create the schema and the version table.
    var bootstrap: [String] { get }
    /// Every migration, in version order.
    var migrations: [PostgresSchema.Migration] { get }
}

/// Applies a plan's migrations exactly once, even with several processes starting together.
struct PostgresMigrator<Plan: PostgresMigrationPlan>: Sendable {
    let client: PostgresClient
    let schema: Plan
    let logger: Logger
    let connectionWaitLimit: Duration

    func migrate() async throws {
        try await client.withConnection(waitingAtMost: connectionWaitLimit) { connection in
            try await apply(on: connection)
        }
    }

    private func apply(on connection: PostgresConnection) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            // Serialises concurrent migrators of this schema; released at commit.
            _ = try await connection.allRows("SELECT pg_advisory_xact_lock(hashtext(\(schema.lockKey)))", logger: logger)
            for statement in schema.bootstrap {
                _ = try await connection.allRows(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            let rows = try await connection.allRows(
                PostgresQuery(unsafeSQL: "SELECT version FROM \(schema.quoted).\(schema.versionTable)"),
                logger: logger
            )
            let applied = Set(try rows.map { try $0.decode(Int.self) })
            for migration in schema.migrations where !applied.contains(migration.version) {
                logger.info(
                    "applying migration",
                    metadata: ["strata.schema": "\(schema.name)", "strata.migration": "\(migration.version) \(migration.name)"]
                )
                for statement in migration.statements {
                    _ = try await connection.allRows(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                _ = try await connection.allRows(
                    "INSERT INTO \(unescaped: schema.quoted).\(unescaped: schema.versionTable) (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger
                )
            }
        }
    }
}
