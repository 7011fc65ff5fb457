//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// Raw SQL access to a read store, for read models whose projection writes its own tables.
///
/// Statements are written in the backend's dialect (SQLite takes `?` placeholders, PostgreSQL `$1`); read
/// ``SQLDialect`` to tell them apart. Inside a projection batch every statement runs in the batch's transaction.
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

/// The SQL dialect of a read store: its name, and how statements write placeholders.
///
/// The core names no backend: each backend module declares its own dialect (`SQLDialect.sqlite` in
/// StrataSQLite, `SQLDialect.postgres` in StrataPostgres). SQL meant for any backend writes its placeholders
/// with ``placeholder(_:)``.
public struct SQLDialect: Hashable, Sendable, CustomStringConvertible {
    /// How a dialect writes the placeholder of a statement's n-th argument.
    public enum Placeholders: Hashable, Sendable {
        /// `?` for every argument, bound in order (SQLite, MySQL).
        case questionMark
        /// `$1`, `$2`… (PostgreSQL).
        case numbered
    }

    /// The dialect's name, for logs and messages.
    public let name: String
    /// How statements write placeholders.
    public let placeholders: Placeholders

    /// Declares a dialect.
    public init(name: String, placeholders: Placeholders) {
        self.name = name
        self.placeholders = placeholders
    }

    /// The placeholder of the statement's `index`-th argument, counting from 1.
    public func placeholder(_ index: Int) -> String {
        switch placeholders {
        case .questionMark: "?"
        case .numbered: "$\(index)"
        }
    }

    public var description: String { name }
}
