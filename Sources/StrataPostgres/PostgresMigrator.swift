//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging
import PostgresNIO

/// Applies `PostgresSchema`'s migrations exactly once, even with several processes starting together.
struct PostgresMigrator: Sendable {
    let client: PostgresClient
    let schema: PostgresSchema
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
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(("strata-migrate:" + schema.name))))", logger: logger)
            for statement in schema.bootstrap {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            let rows = try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT version FROM \(schema.quoted).strata_migrations"),
                logger: logger
            )
            var applied = Set<Int>()
            for try await version in rows.decode(Int.self) { applied.insert(version) }
            for migration in schema.migrations where !applied.contains(migration.version) {
                logger.info(
                    "applying migration",
                    metadata: ["strata.schema": "\(schema.name)", "strata.migration": "\(migration.version) \(migration.name)"]
                )
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO \(unescaped: schema.quoted).strata_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger
                )
            }
        }
    }
}
