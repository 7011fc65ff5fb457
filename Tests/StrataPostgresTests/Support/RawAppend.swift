//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO

/// Calls a store's `strata_append` directly on `connection`, as a client holding its own transaction would:
/// one append of `ids.count` events to `stream`, with no version check.
func rawAppend(_ connection: PostgresConnection, schema: String, stream: String, ids: [UUID]) async throws {
    let count = ids.count
    let category = String(stream.prefix { $0 != "-" })
    let payloads = ids.map { _ in ByteBuffer(string: #"{"raw":true}"#) }
    let empty = Array(repeating: "", count: count)
    let no = Array(repeating: false, count: count)
    try await connection.query(
        """
        SELECT outcome FROM "\(unescaped: schema)".strata_append(
            \([stream]), \([category]), \([Int16(0)]), \([Int64(-1)]), \([Int32(count)]),
            \(ids), \(Array(repeating: "Raw", count: count)), \(payloads), \(Array(repeating: Int32(1), count: count)),
            \(empty), \(no), \(empty), \(no),
            \(Array(repeating: ByteBuffer(), count: count)), \(no))
        """,
        logger: Logger(label: "strata.test.raw")
    )
}

/// Runs `body` between `BEGIN` and its end on a pooled connection: `COMMIT` when `commit` is true, else `ROLLBACK`;
/// and `ROLLBACK` when `body` throws. A connection must never go back to the pool inside a transaction: the next
/// test to get it would run inside that transaction and wait on its locks (a failed check once stalled every
/// PostgreSQL test of a run for minutes that way).
func inRawTransaction<T>(_ connection: PostgresConnection, commit: Bool = true, _ body: () async throws -> T) async throws -> T {
    let logger = Logger(label: "strata.test")
    try await connection.query("BEGIN", logger: logger)
    let value: T
    do {
        value = try await body()
    } catch {
        _ = try? await connection.query("ROLLBACK", logger: logger)
        throw error
    }
    try await connection.query(commit ? "COMMIT" : "ROLLBACK", logger: logger)
    return value
}
