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
    /// Every statement of Strata's goes through here, a lookup of one row too (a row that has arrived while the
    /// rest of its answer has not is paused for the same way), except the calls that append or read a stream or a
    /// category and the read store's key lookups, which are prepared through postgres-nio's older API that takes
    /// rows as they arrive (``PreparedStatements``).
    /// postgres-nio's current prepared statements only stream; where planning on every call cost too much, the
    /// statement calls a PL/pgSQL function, whose plans are kept for the connection (`strata_append`,
    /// `strata_read_stream`, `strata_read_category`).
    ///
    /// The statement is not abandoned when the task is cancelled: callers track what their statements did (a
    /// `BEGIN` that the server ran opened a transaction that must be closed), so this returns only once the server
    /// has answered, as a row sequence's first rows did.
    ///
    /// The statement is sent from the connection's event loop: sent from another thread, the collecting would be
    /// attached in a later turn of the loop, and the first rows, arriving before it, would pause the connection.
    func allRows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        let collected = eventLoop.flatSubmit { () -> EventLoopFuture<PostgresQueryResult> in
            self.query(query, logger: logger)
        }
        return try await collected.get().rows
    }
}

extension PostgresClient {
    /// Runs `query` on a pooled connection and returns every row (see `PostgresConnection/allRows(_:logger:)`).
    func allRows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await withConnection { connection in try await connection.allRows(query, logger: logger) }
    }
}
