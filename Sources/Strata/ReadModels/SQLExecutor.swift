//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// Raw SQL access to a read store, for read models whose projection writes its own tables.
///
/// Statements are written in the backend's dialect (SQLite takes `?` placeholders, PostgreSQL `$1`); read
/// SQLDialect to tell them apart. Inside a projection batch every statement runs in the batch's transaction.
public protocol SQLExecutor: Sendable {
    /// The dialect statements must be written in.
    var dialect: SQLDialect { get }

    /// Runs a statement that returns no rows.
    ///
    /// - Parameters:
    ///   - sql: One statement.
    ///   - arguments: Values for the statement's placeholders, in order.
    func execute(_ sql: String, _ arguments: [SQLValue]) async throws

    /// Runs a query and returns all its rows.
    func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow]
}

extension SQLExecutor {
    /// Runs a statement with no arguments.
    public func execute(_ sql: String) async throws { try await execute(sql, []) }

    /// Runs a query with no arguments.
    public func query(_ sql: String) async throws -> [SQLRow] { try await query(sql, []) }
}

/// The SQL dialect of a read store.
public struct SQLDialect: Hashable, Sendable, CustomStringConvertible {
    let name: String

    /// SQLite: `?` placeholders.
    public static let sqlite = SQLDialect(name: "sqlite")
    /// PostgreSQL: `$1`, `$2`… placeholders.
    public static let postgres = SQLDialect(name: "postgres")

    public var description: String { name }
}
