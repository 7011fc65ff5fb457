//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

/// A SQL read model: revenue per customer in a table of its own, written with raw SQL.
struct RevenueProjection: Projection {
    var name = "revenue"
    var version = 1
    var faults: Faults?
    /// Version 2 of the schema adds an order count.
    var countsOrders = false

    var filter: EventFilter { .category("order").eventTypes(["OrderPlaced"]) }

    var schema: ReadModelSchema {
        var migrations = [
            SQLMigration(version: 1) { tables in
                ["CREATE TABLE \(tables["revenue"]) (customer TEXT PRIMARY KEY, amount INTEGER NOT NULL)"]
            }
        ]
        if countsOrders {
            migrations.append(
                SQLMigration(version: 2) { tables in
                    ["ALTER TABLE \(tables["revenue"]) ADD COLUMN orders INTEGER NOT NULL DEFAULT 0"]
                }
            )
        }
        return ReadModelSchema(tables: ["revenue"], migrations: migrations)
    }

    private struct Placed: Decodable {
        var customer: String
        var amount: Int
    }

    func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws {
        try faults?.check(event)
        let placed = try JSONDecoder().decode(Placed.self, from: event.data)
        let sql = try context.sql()
        let p = sql.dialect.placeholder
        let orders = countsOrders ? ", orders = orders + 1" : ""
        let rows = try await sql.query("SELECT amount FROM \(context.table("revenue")) WHERE customer = \(p(1))", [.text(placed.customer)])
        if rows.isEmpty {
            try await sql.execute(
                "INSERT INTO \(context.table("revenue")) (customer, amount) VALUES (\(p(1)), \(p(2)))",
                [.text(placed.customer), .integer(0)]
            )
        }
        try await sql.execute(
            "UPDATE \(context.table("revenue")) SET amount = amount + \(p(1))\(orders) WHERE customer = \(p(2))",
            [.integer(Int64(placed.amount)), .text(placed.customer)]
        )
    }
}

/// Revenue per customer, from the SQL read model.
struct RevenueQuery: Query {
    var projections: [String] { ["revenue"] }

    func run(on reader: ReadModelReader) async throws -> [String: Int64] {
        let rows = try await reader.sql().query("SELECT customer, amount FROM \(try await reader.table("revenue", of: "revenue"))")
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["customer"].string ?? "", $0["amount"].int64 ?? -1) })
    }
}

enum SQLReadModelChecks {
    static let all: [ReadStoreConformanceCheck] = [
        ReadStoreConformanceCheck("a SQL read model is created by migrations and written in the batch transaction, exactly once", exactlyOnce),
        ReadStoreConformanceCheck("new SQL migrations apply in place, and a rebuild creates the tables of a new generation", migrations),
    ]

    static let expected: [String: Int64] = ["c0": 10 + 40 + 70 + 100, "c1": 20 + 50 + 80 + 110, "c2": 30 + 60 + 90 + 120]

    static func exactlyOnce(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let head = try await OrderEvents.appendHistory(to: events, orders: 12)
            let faults = Faults()
            faults.fail(at: 13)
            let crashing = ProjectionRunner(
                store: events,
                readStore: readStore,
                projections: [RevenueProjection(faults: faults)],
                configuration: fastConfiguration(batchSize: 4, attempts: 1, action: .stop)
            )
            try await whileRunning(crashing) {
                try await eventually("the crash") { try await crashing.status(of: "revenue").state == .failed }
            }
            let queries = QueryHandler(readStore: readStore, progress: nil)
            #expect(try await queries.ask(RevenueQuery()) == ["c0": 10 + 40, "c1": 20 + 50, "c2": 30 + 60])
            let resumed = ProjectionRunner(
                store: events, readStore: readStore, projections: [RevenueProjection()], configuration: fastConfiguration())
            try await whileRunning(resumed) { try await caughtUp(resumed, ["revenue"], to: head) }
            #expect(try await queries.ask(RevenueQuery(), minimumPosition: head) == expected)
        }
    }

    static func migrations(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let head = try await OrderEvents.appendHistory(to: events, orders: 12)
            let first = ProjectionRunner(store: events, readStore: readStore, projections: [RevenueProjection()], configuration: fastConfiguration())
            try await whileRunning(first) { try await caughtUp(first, ["revenue"], to: head) }

            var inPlace = fastConfiguration()
            inPlace.rebuildOnVersionChange = false
            let migrated = ProjectionRunner(
                store: events,
                readStore: readStore,
                projections: [RevenueProjection(version: 2, countsOrders: true)],
                configuration: inPlace
            )
            let more = try await events.append([OrderEvents.placed(customer: "c0", amount: 1)], to: "order-more", expecting: .noStream)
            try await whileRunning(migrated) { try await caughtUp(migrated, ["revenue"], to: more.position) }
            let record = try await readStore.withReader { try await $0.projectionRecord(named: "revenue") }
            #expect(record?.active.schemaVersion == 2)
            #expect(record?.active.number == 1)
            let orders = try await readStore.withReader { reader in
                try await reader.sql!.query("SELECT orders FROM revenue__revenue__g1 WHERE customer = 'c0'").first?["orders"].int64
            }
            #expect(orders == 1, "only the order placed after the migration is counted")

            let rebuilt = ProjectionRunner(
                store: events,
                readStore: readStore,
                projections: [RevenueProjection(version: 3, countsOrders: true)],
                configuration: fastConfiguration()
            )
            try await whileRunning(rebuilt) {
                try await eventually("the rebuild") { try await rebuilt.status(of: "revenue").generation == 2 }
            }
            var total = expected
            total["c0"]! += 1
            #expect(try await QueryHandler(readStore: readStore, progress: nil).ask(RevenueQuery()) == total)
            let counts = try await readStore.withReader { reader in
                try await reader.sql!.query("SELECT SUM(orders) AS n FROM revenue__revenue__g2").first?["n"].int64
            }
            #expect(counts == 13)
            await #expect(throws: (any Error).self) {
                _ = try await readStore.withReader { try await $0.sql!.query("SELECT * FROM revenue__revenue__g1") }
            }
        }
    }
}
