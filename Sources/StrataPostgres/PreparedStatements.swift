//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging
import PostgresNIO
import Strata
import Synchronization

/// Statements prepared once on each connection, for the hottest single-statement reads.
///
/// postgres-nio's prepared statements (`PostgresPreparedStatement`) stream their rows and can stop the process when
/// the server closes the connection in the middle of a result (see ``PostgresConnection/allRows(_:logger:)``).
/// Its older `PreparedQuery` takes each row as it arrives instead, through a callback attached when the statement is
/// sent, so it never waits for a consumer and a closed connection fails the statement, provided the statement is sent
/// from the connection's event loop: `PostgresConnectionCutTests` cut lookups that run here inside and just after
/// their row.
///
/// A statement is prepared on a connection the first time that connection runs it, under a name of postgres-nio's
/// choosing, and stays prepared as long as the connection lives: PostgreSQL plans it again by itself should a table
/// it reads be dropped and made anew. A connection keeps at most ``maximumPerConnection`` statements; beyond them a
/// statement runs unprepared.
///
/// Rows of a prepared statement describe their columns in text format, as PostgreSQL's description of the statement
/// did before any execution chose one, while postgres-nio asks for every result in binary: read their columns with
/// ``PostgresRow/binaryCells(expecting:)``, which also reads the rows of a statement that ran unprepared.
final class PreparedStatements: Sendable {
    /// The most statements prepared on one connection: a read store names a table for each collection of each
    /// projection generation, so the texts are many only where projections are rebuilt again and again.
    static let maximumPerConnection = 128

    private struct Prepared {
        /// Held so that the entry can tell when its connection has closed.
        let connection: PostgresConnection
        var statements: [String: PreparedQuery] = [:]
    }

    /// By connection id, which a client never gives twice.
    private let prepared = Mutex<[PostgresConnection.ID: Prepared]>([:])

    /// The rows of `sql` with `binds` on `connection`, prepared there on first use.
    ///
    /// A connection is used by one task at a time, so no two callers prepare the same statement on it at once.
    func rows(_ sql: String, _ binds: [PostgresData], on connection: PostgresConnection, logger: Logger) async throws -> [PostgresRow] {
        let known = prepared.withLock { $0[connection.id]?.statements[sql] }
        if let known { return try await Self.execute(known, binds, on: connection) }
        let count = prepared.withLock { $0[connection.id]?.statements.count ?? 0 }
        guard count < Self.maximumPerConnection else {
            return try await connection.allRows(PostgresQuery(unsafeSQL: sql, binds: Self.bindings(binds)), logger: logger)
        }
        let statement = try await connection.eventLoop.flatSubmit { connection.prepare(query: sql) }.get()
        prepared.withLock { prepared in
            // Entries of connections that have closed go when a new connection first prepares.
            if prepared[connection.id] == nil {
                prepared = prepared.filter { !$0.value.connection.isClosed }
            }
            prepared[connection.id, default: Prepared(connection: connection)].statements[sql] = statement
        }
        return try await Self.execute(statement, binds, on: connection)
    }

    /// Runs `statement`, sent from the connection's event loop as ``PostgresConnection/allRows(_:logger:)`` sends
    /// its statements: sent from another thread, the callback that takes the rows would be attached in a later turn
    /// of the loop, and rows arriving before it would pause the connection inside the result.
    private static func execute(_ statement: PreparedQuery, _ binds: [PostgresData], on connection: PostgresConnection) async throws -> [PostgresRow]
    {
        try await connection.eventLoop.flatSubmit { statement.execute(binds) }.get()
    }

    /// `binds` as the bindings of an unprepared statement.
    private static func bindings(_ binds: [PostgresData]) -> PostgresBindings {
        var bindings = PostgresBindings()
        for bind in binds { bindings.append(bind) }
        return bindings
    }
}

extension PostgresData {
    /// `value` in the binary format of its PostgreSQL type, as a bind of a prepared statement.
    init<Value: PostgresEncodable>(encoding value: Value) throws {
        var buffer = ByteBuffer()
        try value.encode(into: &buffer, context: .default)
        self.init(type: Value.psqlType, formatCode: Value.psqlFormat, value: buffer)
    }
}

extension PostgresRow {
    /// The row's cells, marked as binary whatever the row's description says (see ``PreparedStatements``).
    ///
    /// - Throws: `EventStoreError.storage` when the row does not have `count` columns.
    func binaryCells(expecting count: Int) throws -> [PostgresCell] {
        var cells = Array(self)
        guard cells.count == count else {
            throw EventStoreError(.storage, "a row of \(cells.count) columns came where \(count) were expected")
        }
        for index in cells.indices { cells[index].format = .binary }
        return cells
    }
}
