//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging
import NIOCore
import PostgresNIO

extension PostgresConnection {
    /// Runs `query` and returns every row, collected on the connection's event loop as they arrive.
    ///
    /// postgres-nio's row sequences stop reading from the socket after every part of a result until their consumer
    /// asks for more. If the server's end of the connection closes in that pause without an error message first (a
    /// backend killed, an immediate shutdown, a proxy or load balancer giving up), postgres-nio 1.33 stops the
    /// process on an internal precondition instead of failing the query. Collected here, rows are asked for as soon
    /// as they arrive, in the same turn of the event loop, so the connection is never paused inside a result and a
    /// close fails the query like any other loss of the connection.
    ///
    /// Any statement whose result may hold more than one row goes through here; `PreparedQuery` (which streams)
    /// is kept for statements of at most one row, whose single row ends the result.
    ///
    /// The statement is not abandoned when the task is cancelled: callers track what their statements did (a
    /// `BEGIN` that the server ran opened a transaction that must be closed), so this returns only once the server
    /// has answered, as a row sequence's first rows did.
    func allRows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        let collected: EventLoopFuture<PostgresQueryResult> = self.query(query, logger: logger)
        return try await collected.get().rows
    }
}

extension PostgresClient {
    /// Runs `query` on a pooled connection and returns every row (see `PostgresConnection/allRows(_:logger:)`).
    func allRows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await withConnection { connection in try await connection.allRows(query, logger: logger) }
    }
}
