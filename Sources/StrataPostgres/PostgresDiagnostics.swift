//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata

/// A transaction that holds appends back, as PostgreSQL reports it.
public struct BlockingTransaction: Sendable, Hashable, CustomStringConvertible {
    /// The backend process id, for `pg_terminate_backend` or `pg_cancel_backend`.
    public var pid: Int
    /// How long its transaction has been open.
    public var transactionAge: Duration
    /// Its state, such as `idle in transaction` or `active`.
    public var state: String
    /// Its current or last query.
    public var query: String
    /// How many appends wait for it.
    public var waitingAppends: Int

    public var description: String {
        "pid \(pid), \(state) for \(transactionAge) in its transaction, \(waitingAppends) append(s) waiting, query: \(query)"
    }
}

/// Finds what holds the store back.
struct PostgresDiagnostics: Sendable {
    let client: PostgresClient
    let schema: PostgresSchema
    let configuration: PostgresEventStore.Configuration

    /// The transactions that appends to this store are waiting for.
    func appendBlockers() async throws -> [BlockingTransaction] {
        let query: PostgresQuery = """
            WITH waiting AS (
                SELECT unnest(pg_blocking_pids(pid)) AS blocker
                FROM pg_stat_activity
                WHERE wait_event_type = 'Lock' AND query LIKE \("%" + schema.quoted + ".strata_append%(%")
            )
            SELECT a.pid, extract(epoch FROM now() - coalesce(a.xact_start, now()))::float8, coalesce(a.state, ''),
                coalesce(a.query, ''), count(*)::int8
            FROM waiting w JOIN pg_stat_activity a ON a.pid = w.blocker
            GROUP BY a.pid, a.xact_start, a.state, a.query
            ORDER BY a.xact_start
            """
        let rows = try await client.withConnection(waitingAtMost: configuration.connectionWaitLimit) { [logger = configuration.logger] connection in
            try await connection.allRows(query, logger: logger).map { try $0.decode((Int32, Double, String, String, Int64).self) }
        }
        var blockers: [BlockingTransaction] = []
        for (pid, age, state, query, waiting) in rows {
            blockers.append(
                BlockingTransaction(
                    pid: Int(pid),
                    transactionAge: .milliseconds(Int64(age * 1000)),
                    state: state,
                    query: query,
                    waitingAppends: Int(waiting)
                )
            )
        }
        return blockers
    }
}

extension PostgresEventStore {
    /// The transactions that appends to this store wait for right now, oldest first; empty when nothing holds
    /// appends back. Readers are never held back (see ``PostgresEventStore``), so these are the only stalls.
    public func appendBlockers() async throws -> [BlockingTransaction] {
        try await translatingErrors("read diagnostics") {
            try await PostgresDiagnostics(client: client, schema: schema, configuration: configuration).appendBlockers()
        }
    }
}
