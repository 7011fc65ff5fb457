//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging
import PostgresNIO

/// A statement of the store's hot paths, which PostgreSQL parses and plans once per connection instead of on
/// every call.
///
/// Sent as an unnamed statement, a single-event append was parsed and planned anew every time, which cost it more
/// server time than the append's own work. postgres-nio names a prepared statement and gives its SQL per type,
/// not per value, while a store's schema is known only at run time: so the schema a statement runs in is bound,
/// for the task that runs it, by `execute(_:in:logger:)`, and the statement's name carries it, so that each
/// connection prepares one statement per schema it works in.
protocol SchemaStatement: PostgresPreparedStatement {
    /// A short name for the statement, unique among the store's statements.
    ///
    /// With the schema name (at most 40 bytes) it must fit in 63 bytes: PostgreSQL keeps the first 63 bytes of a
    /// prepared statement's name, so two longer names that share them would collide.
    static var tag: String { get }

    /// The statement's SQL in `schema`.
    static func sql(in schema: PostgresSchema) -> String
}

extension SchemaStatement {
    static var name: String { "\(tag) \(SchemaStatementContext.schema.name)" }

    static var sql: String { sql(in: SchemaStatementContext.schema) }
}

/// The schema of the statement the current task is running: bound only by `execute(_:in:logger:)`.
enum SchemaStatementContext {
    @TaskLocal static var schema = PostgresSchema(name: "strata")
}

extension PostgresConnection {
    /// Runs `statement` in `schema`, preparing it first if this connection has not yet; every row, in order.
    func execute<Statement: SchemaStatement>(
        _ statement: Statement,
        in schema: PostgresSchema,
        logger: Logger
    ) async throws -> [Statement.Row] {
        try await SchemaStatementContext.$schema.withValue(schema) {
            var rows: [Statement.Row] = []
            for try await row in try await execute(statement, logger: logger) {
                rows.append(row)
            }
            return rows
        }
    }
}
