//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB

/// The catch-up projection done with bare GRDB, in the shape Strata gives it: pages of `batchSize` events read
/// from the events file, and per page one transaction in the read file that reads, changes and writes each
/// account's JSON document (its balance in an indexed column) and then the checkpoint.
struct SQLiteProjectionBaseline: Sendable {
    var eventsPath: String
    var readPath: String
    var events: Int
    var batchSize: Int

    /// Events per second.
    func run() async throws -> Double {
        let source = try DatabasePool(path: eventsPath)
        let target = try DatabasePool(path: readPath)
        try await target.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(
                sql: """
                    CREATE TABLE accounts (key TEXT PRIMARY KEY, document BLOB NOT NULL, balance INTEGER);
                    CREATE INDEX accounts_balance ON accounts (balance, key);
                    CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
                    """
            )
        }
        defer {
            try? source.close()
            try? target.close()
        }
        let decoder = JSONDecoder()
        let encoder = JSONEncoder()
        return try await rate(operations: events) {
            var after: Int64 = 0
            var applied = 0
            while true {
                let from = after
                let page = try await source.read { db in
                    try Row.fetchAll(
                        db,
                        sql:
                            "SELECT position, stream_id, data FROM strata_events WHERE category = 'account' AND position > ? ORDER BY position LIMIT ?",
                        arguments: [from, batchSize]
                    ).map { (position: $0[0] as Int64, stream: $0[1] as String, data: $0[2] as Data) }
                }
                guard let last = page.last else { break }
                try await target.write { db in
                    for event in page {
                        let deposit = try decoder.decode(Deposited.self, from: event.data)
                        let stored = try Data.fetchOne(db, sql: "SELECT document FROM accounts WHERE key = ?", arguments: [event.stream])
                        var account = try stored.map { try decoder.decode(AccountBalance.self, from: $0) } ?? AccountBalance()
                        account.balance += deposit.amount
                        account.deposits += 1
                        try db.execute(
                            sql: """
                                INSERT INTO accounts (key, document, balance) VALUES (?, ?, ?)
                                ON CONFLICT (key) DO UPDATE SET document = excluded.document, balance = excluded.balance
                                """,
                            arguments: [event.stream, try encoder.encode(account), account.balance]
                        )
                    }
                    try db.execute(
                        sql:
                            "INSERT INTO checkpoints (name, position) VALUES ('balances', ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position",
                        arguments: [last.position]
                    )
                }
                after = last.position
                applied += page.count
            }
            guard applied == events else { throw BenchError("the bare projection applied \(applied) of \(events) events") }
        }
    }
}
