//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO

/// The catch-up projection done with bare postgres-nio, in the shape Strata gives it: pages of `batchSize`
/// events read from the store's table, and per page one transaction in a schema of its own that reads, changes
/// and writes each account's JSON document (its balance in an indexed column) and then the checkpoint.
struct PostgresProjectionBaseline: Sendable {
    var client: PostgresClient
    /// The quoted, schema-qualified table of the events.
    var eventsTable: String
    /// The schema for the read model, which must not exist yet.
    var schema: String
    var events: Int
    var batchSize: Int

    /// Events per second.
    func run() async throws -> Double {
        let quoted = "\"\(schema)\""
        for statement in [
            "CREATE SCHEMA \(quoted)",
            "CREATE TABLE \(quoted).accounts (key text COLLATE \"C\" PRIMARY KEY, document json NOT NULL, balance numeric)",
            "CREATE INDEX ON \(quoted).accounts (balance, key)",
            "CREATE TABLE \(quoted).checkpoints (name text PRIMARY KEY, position bigint NOT NULL)",
        ] {
            try await client.query(PostgresQuery(unsafeSQL: statement))
        }
        let decoder = JSONDecoder()
        let encoder = JSONEncoder()
        return try await rate(operations: events) {
            var after: Int64 = 0
            var applied = 0
            while true {
                var page: [(position: Int64, stream: String, data: ByteBuffer)] = []
                let rows = try await client.query(
                    """
                    SELECT position, stream_id, data FROM \(unescaped: eventsTable)
                    WHERE category = 'account' AND position > \(after) ORDER BY position LIMIT \(batchSize)
                    """
                )
                for try await (position, stream, data) in rows.decode((Int64, String, ByteBuffer).self) {
                    page.append((position, stream, data))
                }
                guard let last = page.last else { break }
                try await client.withTransaction(logger: Logger(label: "strata.bench")) { connection in
                    for event in page {
                        let deposit = try decoder.decode(Deposited.self, from: event.data)
                        var account = AccountBalance()
                        let stored = try await connection.query(
                            "SELECT document::text FROM \(unescaped: quoted).accounts WHERE key = \(event.stream)",
                            logger: connection.logger
                        )
                        for try await document in stored.decode(String.self) {
                            account = try decoder.decode(AccountBalance.self, from: Data(document.utf8))
                        }
                        account.balance += deposit.amount
                        account.deposits += 1
                        let document = String(decoding: try encoder.encode(account), as: UTF8.self)
                        try await connection.query(
                            """
                            INSERT INTO \(unescaped: quoted).accounts (key, document, balance) VALUES (\(event.stream), \(document)::json, \(account.balance))
                            ON CONFLICT (key) DO UPDATE SET document = EXCLUDED.document, balance = EXCLUDED.balance
                            """,
                            logger: connection.logger
                        )
                    }
                    try await connection.query(
                        """
                        INSERT INTO \(unescaped: quoted).checkpoints (name, position) VALUES ('balances', \(last.position))
                        ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position
                        """,
                        logger: connection.logger
                    )
                }
                after = last.position
                applied += page.count
            }
            guard applied == events else { throw BenchError("the bare projection applied \(applied) of \(events) events") }
        }
    }
}
