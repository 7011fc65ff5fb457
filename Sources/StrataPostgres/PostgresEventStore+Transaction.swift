//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import PostgresNIO
import Strata

extension PostgresEventStore {
    /// Runs `body` in one transaction on a pooled connection: committed when it returns, rolled back when it
    /// throws.
    ///
    /// The body's own errors (WrongExpectedVersion, EventStoreError, a rollback it asks for) reach the caller as
    /// they were thrown: postgres-nio would otherwise hand them over wrapped in a `PostgresTransactionError`, and
    /// the store would report them as storage failures. The driver's errors are reported as EventStoreError.
    func inTransaction<Value: Sendable>(
        _ what: String,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let outcome: Result<Value, any Error> = try await withConnection(what) { [logger] connection in
            do {
                return .success(
                    try await connection.withTransaction(logger: logger) { connection in
                        try await body(connection)
                    }
                )
            } catch let error as PostgresTransactionError {
                guard let bodyError = error.closureError else { throw error }
                if bodyError is PSQLError || bodyError is PostgresDecodingError { throw bodyError }
                return .failure(bodyError)
            }
        }
        return try outcome.get()
    }

    /// Runs `query` on `connection` and returns every row.
    func rows(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [PostgresRow] {
        try await connection.allRows(query, logger: logger)
    }

    /// Runs `query` on a pooled connection and decodes every row, reporting failures (decoding ones too) as
    /// EventStoreError.
    func fetch<Value: Sendable>(
        _ query: PostgresQuery,
        _ what: String,
        _ decode: @escaping @Sendable (PostgresRow) throws -> Value
    ) async throws -> [Value] {
        try await withConnection(what) { [self] connection in
            try await rows(query, on: connection).map(decode)
        }
    }

    /// Runs `sql` on a pooled connection, prepared there the first time it runs (see PreparedStatements), and
    /// decodes every row from its cells, read as binary.
    func fetchPrepared<Value: Sendable>(
        _ sql: String,
        _ binds: [PostgresData],
        columns: Int,
        _ what: String,
        _ decode: @escaping @Sendable ([PostgresCell]) throws -> Value
    ) async throws -> [Value] {
        try await withConnection(what) { [prepared, logger] connection in
            try await prepared.rows(sql, binds, on: connection, logger: logger).map { try decode(try $0.binaryCells(expecting: columns)) }
        }
    }

    /// Runs `query` on a pooled connection, reading and dropping any rows.
    func execute(_ query: PostgresQuery, _ what: String) async throws {
        _ = try await fetch(query, what) { _ in () }
    }
}
