//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging
import PostgresNIO
import Synchronization

/// A query of a hot path, which PostgreSQL parses and plans once per connection instead of on every call.
///
/// Only for statements that return at most one row: postgres-nio streams a prepared statement's rows, and a
/// result of several rows that the server's end of the connection cuts short without an error could stop the
/// process (see `PostgresConnection/allRows(_:logger:)`). A single row ends its result, so nothing is left to cut.
///
/// Sent as an unnamed statement, a single-event append was parsed and planned anew every time, which cost it more
/// server time than the append's own work; a key lookup in a read model paid the same. postgres-nio names a
/// prepared statement and gives its SQL per type, not per value, while Strata's SQL names schemas and tables
/// known only at run time: so the SQL of the query being sent is bound, for the task that sends it, by
/// `PostgresConnection/queryPrepared(_:logger:)`, and the statement is named after a 64-bit hash of it, so
/// that each connection prepares each distinct SQL text once. (PostgreSQL keeps only the first 63 bytes of a
/// statement's name, so the SQL itself could not be the name.)
///
/// postgres-nio remembers a statement whose preparation failed, and fails every later use of its name on that
/// connection with the same error, even once the cause is gone (a read model's table that did not exist yet, say).
/// So a statement that fails on a connection is retired there: the next use sends it under a new name.
struct PreparedQuery: PostgresPreparedStatement {
    typealias Row = PostgresRow

    /// The name and SQL of the query the current task is sending.
    @TaskLocal private static var current = (name: "", sql: "")

    static var name: String { current.name }

    static var sql: String { current.sql }

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }

    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }

    /// Sends `query`, a statement of at most one row, on `connection` as a prepared statement; its row, if any.
    static func run(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws -> [PostgresRow] {
        let statement = statementName(for: query.sql)
        let name = RetiredStatements.shared.currentName(of: statement, on: connection)
        do {
            return try await $current.withValue((name, query.sql)) {
                var rows: [PostgresRow] = []
                for try await row in try await connection.execute(PreparedQuery(bindings: query.binds), logger: logger) {
                    rows.append(row)
                }
                return rows
            }
        } catch let error as PSQLError where error.code == .server {
            // Whether preparing or running it failed is not told apart: retiring a sound statement costs one
            // preparation, and failures on these paths are rare.
            RetiredStatements.shared.retire(statement, on: connection)
            throw error
        }
    }

    /// `strata_` and the FNV-1a hash of `sql` in hex: two SQL texts would have to collide in 64 bits to share one.
    static func statementName(for sql: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return "strata_" + String(hash, radix: 16)
    }
}

extension PostgresConnection {
    /// Runs `query`, a statement of at most one row, as a statement prepared once per connection (see
    /// PreparedQuery); its row, if any.
    func queryPrepared(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await PreparedQuery.run(query, on: self, logger: logger)
    }
}

/// The statements that failed on each open connection, and how many times: the count tells the name to use next.
private final class RetiredStatements: Sendable {
    static let shared = RetiredStatements()

    private struct Key: Hashable {
        let connection: ObjectIdentifier
        let statement: String
    }

    private let retirements = Mutex<[Key: Int]>([:])

    func currentName(of statement: String, on connection: PostgresConnection) -> String {
        let count = retirements.withLock { $0[Key(connection: ObjectIdentifier(connection), statement: statement)] ?? 0 }
        return count == 0 ? statement : "\(statement)_\(count)"
    }

    func retire(_ statement: String, on connection: PostgresConnection) {
        let connectionID = ObjectIdentifier(connection)
        let first = retirements.withLock { retirements in
            let first = !retirements.keys.contains { $0.connection == connectionID }
            retirements[Key(connection: connectionID, statement: statement), default: 0] += 1
            return first
        }
        guard first else { return }
        // Forgotten with the connection, whose statements go with it; until then the connection is held, so that
        // its identifier is not reused by a new one.
        connection.closeFuture.whenComplete { [self] _ in
            withExtendedLifetime(connection) {
                retirements.withLock { retirements in retirements = retirements.filter { $0.key.connection != connectionID } }
            }
        }
    }
}
