//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Logging
import PostgresNIO
import Strata
import StrataConformance
import StrataPostgres
import StrataTestSupport
import Synchronization
import Testing

/// Each read store gets its own schema on the shared server, fed by an in-memory event store or by a PostgreSQL
/// event store in another schema.
///
/// The PostgreSQL event store's run() is not needed: its subscriptions wake on appends made through the same
/// store object, which is how every check appends, and the poll interval of an hour proves it.
struct PostgresReadStoreBackend: ReadStoreConformanceBackend {
    var postgresEvents: Bool

    func makeReadStore() async throws -> any ReadStore {
        try await TestPostgres.makeReadStore(on: TestPostgres.readStoreClient)
    }

    func makeEventStore() async throws -> any EventStore {
        guard postgresEvents else { return InMemoryEventStore() }
        return try await TestPostgres.makeStore(on: TestPostgres.readStoreClient) { $0.pollInterval = .seconds(3600) }
    }

    func reopen(_ readStore: any ReadStore) async throws -> any ReadStore {
        let postgres = try #require(readStore as? PostgresReadStore)
        return try await TestPostgres.makeReadStore(schema: postgres.configuration.schema, on: TestPostgres.readStoreClient)
    }

    func dispose(_ readStore: any ReadStore) async throws {
        guard let postgres = readStore as? PostgresReadStore else { return }
        try await TestPostgres.dropSchema(postgres.configuration.schema)
    }

    func dispose(_ eventStore: any EventStore) async throws {
        guard let postgres = eventStore as? PostgresEventStore else { return }
        try await TestPostgres.dropSchema(postgres.configuration.schema)
    }
}

@Test(
    "the PostgreSQL read store, fed by an in-memory event store, passes the read-store conformance suite",
    .timeLimit(.minutes(10)),
    .enabled(if: TestPostgres.isAvailable),
    .serialized,
    arguments: ReadStoreConformanceCheck.all + ReadStoreConformanceCheck.sqlChecks
)
func postgresReadStoreConformance(_ check: ReadStoreConformanceCheck) async throws {
    try await check.run(on: PostgresReadStoreBackend(postgresEvents: false))
}

@Test(
    "the PostgreSQL read store, fed by a PostgreSQL event store, passes the read-store conformance suite",
    .timeLimit(.minutes(10)),
    .enabled(if: TestPostgres.isAvailable),
    .serialized,
    arguments: ReadStoreConformanceCheck.all + ReadStoreConformanceCheck.sqlChecks
)
func postgresReadStoreOnPostgresEventsConformance(_ check: ReadStoreConformanceCheck) async throws {
    try await check.run(on: PostgresReadStoreBackend(postgresEvents: true))
}

@Suite("PostgreSQL read store", .timeLimit(.minutes(10)), .enabled(if: TestPostgres.isAvailable))
struct PostgresReadStoreTests {
    /// Runs `body` with a fresh read store, dropping its schema afterwards.
    private func withReadStore(_ body: (PostgresReadStore) async throws -> Void) async throws {
        let store = try await TestPostgres.makeReadStore(on: TestPostgres.readStoreClient)
        do {
            try await body(store)
        } catch {
            try? await TestPostgres.dropSchema(store.configuration.schema)
            throw error
        }
        try await TestPostgres.dropSchema(store.configuration.schema)
    }

    private func scalar(_ sql: String) async throws -> Int64 {
        for try await value in try await TestPostgres.readStoreClient.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self) {
            return value
        }
        return -1
    }

    @Test("migrations apply once, even from several processes at once, are idempotent, and share a schema with an event store")
    func migrations() async throws {
        let schema = uniqueSchema("r")
        let stores = try (0..<4).map { _ in try PostgresReadStore(client: TestPostgres.readStoreClient, configuration: .init(schema: schema)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores { group.addTask { try await store.migrate() } }
            try await group.waitForAll()
        }
        try await stores[0].migrate()
        #expect(try await scalar("SELECT count(*) FROM \"\(schema)\".strata_read_migrations") == 3, "one row per migration")

        // An event store in the same schema keeps its own migrations, and both work.
        let events = try await TestPostgres.makeStore(schema: schema)
        try await stores[1].migrate()
        #expect(try await scalar("SELECT count(*) FROM \"\(schema)\".strata_migrations") == 11)
        #expect(try await scalar("SELECT count(*) FROM \"\(schema)\".strata_read_migrations") == 3, "one row per migration")
        _ = try await events.append([NewEvent(type: "Tested", data: Data("{}".utf8))], to: "order-1", expecting: .noStream)
        try await stores[2].withTransaction { tx in
            try await tx.saveProjectionRecord(ProjectionRecord(name: "p", active: ProjectionGeneration(number: 1, version: 1, position: 1)))
        }
        #expect(try await stores[3].withReader { try await $0.projectionRecords() }.map(\.name) == ["p"])
        try await TestPostgres.dropSchema(schema)
    }

    @Test("a parked event keeps the schema version of its data")
    func parkedSchemaVersion() async throws {
        try await withReadStore { store in
            let event = RecordedEvent(
                id: UUID(),
                stream: "order-1",
                version: 4,
                position: 12,
                type: "OrderPlaced",
                data: Data(#"{"total":3}"#.utf8),
                metadata: EventMetadata(correlationID: "c-1"),
                recordedAt: Date(timeIntervalSince1970: 1_700_000_000),
                schemaVersion: 3
            )
            try await store.withTransaction { tx in
                try await tx.park(ParkedEvent(projection: "orders", generation: 1, event: event, error: "boom", attempts: 1))
            }
            let parked = try await store.withReader { try await $0.parkedEvent(projection: "orders", generation: 1, position: 12) }
            #expect(parked?.event == event)
            #expect(try await store.withReader { try await $0.parkedEvents(projection: "orders", generation: 1) }.map(\.event.schemaVersion) == [3])
        }
    }

    @Test("an invalid schema or collection name is rejected before any SQL runs")
    func invalidNames() async throws {
        for name in ["", "Upper", "has-dash", "semi;colon", "quote\"d", "1starts_with_digit"] {
            let error = #expect(throws: ReadStoreError.self) {
                try PostgresReadStore(client: TestPostgres.client, configuration: .init(schema: name))
            }
            #expect(error?.code == .invalidArgument)
        }
        try await withReadStore { store in
            for name in ["", String(repeating: "x", count: 64), "nul\u{0}"] {
                await #expect {
                    try await store.withTransaction { try await $0.createCollection(name, indexes: []) }
                } throws: { error in
                    (error as? ReadStoreError)?.code == .invalidArgument
                }
            }
            // Any other name is a quoted identifier: quotes, spaces and capitals are kept as they are.
            let odd = #"My "odd" collection"#
            try await store.withTransaction { tx in
                try await tx.createCollection(odd, indexes: ["a"])
                try await tx.putDocument(Data(#"{"a":1}"#.utf8), key: "k", indexValues: ["a": 1], in: odd)
            }
            #expect(try await store.withReader { try await $0.documents(in: odd, matching: .where("a", .equal, 1)) }.map(\.key) == ["k"])
            // Dropping a name that is not a collection leaves its table alone.
            try await store.withTransaction { try await $0.dropCollection("strata_projections") }
            #expect(try await store.withReader { try await $0.projectionRecords() }.isEmpty)
        }
    }

    @Test("lookups and sorted scans by an indexed field use its index")
    func indexedLookups() async throws {
        try await withReadStore { store in
            try await store.withTransaction { tx in
                try await tx.createCollection("orders__g1", indexes: ["customer", "amount"])
                for index in 0..<200 {
                    try await tx.putDocument(
                        Data(#"{"amount":\#(index),"customer":"c\#(index % 5)"}"#.utf8),
                        key: "o\(index)",
                        indexValues: ["customer": .text("c\(index % 5)"), "amount": .integer(Int64(index))],
                        in: "orders__g1"
                    )
                }
            }
            // The statements the store runs for `customer = 'c1'` and for `amount` sorted from the largest.
            let plans = try await store.withReader { reader in
                let sql = try #require(reader.sql)
                #expect(sql.dialect == .postgres)
                _ = try await sql.query("SET LOCAL enable_seqscan = off")
                let lookup = try await sql.query(
                    """
                    EXPLAIN SELECT key, document FROM "orders__g1"
                    WHERE (i0_kind = 2 AND i0_num IS NULL AND i0_text = $1)
                    ORDER BY i0_kind ASC NULLS FIRST, i0_num ASC NULLS LAST, i0_text ASC NULLS LAST, i0_blob ASC NULLS LAST, key ASC
                    """,
                    ["c1"]
                )
                let sorted = try await sql.query(
                    """
                    EXPLAIN SELECT key, document FROM "orders__g1"
                    ORDER BY i1_kind DESC NULLS LAST, i1_num DESC NULLS FIRST, i1_text DESC NULLS FIRST, i1_blob DESC NULLS FIRST, key DESC
                    LIMIT $1
                    """,
                    [3]
                )
                return (lookup.compactMap { $0[0].string }.joined(separator: "\n"), sorted.compactMap { $0[0].string }.joined(separator: "\n"))
            }
            #expect(plans.0.contains("Index Cond: ((i0_kind = 2) AND (i0_num IS NULL) AND (i0_text = "), "\(plans.0)")
            #expect(plans.1.contains("Index Scan Backward") && !plans.1.contains("Sort"), "\(plans.1)")
            let found = try await store.withReader { reader in
                (
                    try await reader.documents(in: "orders__g1", matching: .where("customer", .equal, "c1").limit(3)).map(\.key),
                    try await reader.documents(in: "orders__g1", matching: .all.sorted(by: "amount", descending: true).limit(3)).map(\.key)
                )
            }
            #expect(found.0 == ["o1", "o101", "o106"])
            #expect(found.1 == ["o199", "o198", "o197"])
        }
    }

    @Test("documents keep their exact JSON bytes; a document that is not UTF-8 is refused")
    func exactDocuments() async throws {
        try await withReadStore { store in
            let json = Data("{ \"b\" : 1,\n  \"a\":[2, 1.50],\"é\":\"\\u0000\" }".utf8)
            try await store.withTransaction { tx in
                try await tx.createCollection("c__g1", indexes: [])
                try await tx.putDocument(json, key: "k", indexValues: [:], in: "c__g1")
            }
            #expect(try await store.withReader { try await $0.document(key: "k", in: "c__g1") } == json)
            #expect(try await store.withReader { try await $0.documents(in: "c__g1", matching: .all) }.map(\.json) == [json])
            await #expect {
                try await store.withTransaction { try await $0.putDocument(Data([0x7b, 0xff, 0x7d]), key: "bad", indexValues: [:], in: "c__g1") }
            } throws: { error in
                (error as? ReadStoreError)?.code == .invalidArgument
            }
        }
    }

    @Test("values of every kind in one indexed field filter and sort as in the in-memory store")
    func mixedKinds() async throws {
        let values: [SQLValue] = [
            .null, -5, 0, 3, 3.5, 2.5, 1e-7, 12_345_678_901, "", "a", "B", "b", "10", "é", .blob(Data([1])), .blob(Data([0xff])),
        ]
        let memory = InMemoryReadStore()
        try await withReadStore { store in
            for readStore in [memory, store] as [any ReadStore] {
                try await readStore.withTransaction { tx in
                    try await tx.createCollection("mixed__g1", indexes: ["v"])
                    for (index, value) in values.enumerated() {
                        try await tx.putDocument(Data("{}".utf8), key: "k\(index)", indexValues: ["v": value], in: "mixed__g1")
                    }
                    try await tx.putDocument(Data("{}".utf8), key: "absent", indexValues: [:], in: "mixed__g1")
                }
            }
            let comparisons: [DocumentCondition.Comparison] = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
            var queries: [DocumentQuery] = []
            for probe in [SQLValue.null, 3, 2.5, 4, "b", "", .blob(Data([1])), .blob(Data([0x80]))] {
                for comparison in comparisons {
                    queries.append(.where("v", comparison, probe))
                    queries.append(.where("key", comparison, probe))
                }
            }
            for descending in [false, true] {
                queries.append(.all.sorted(by: "v", descending: descending))
                queries.append(.all.sorted(by: "v", descending: descending).limit(4))
                queries.append(.where("v", .greater, 0).sorted(by: "v", descending: descending).limit(5))
                queries.append(.all.sorted(by: "key", descending: descending).limit(3))
            }
            for query in queries {
                let expected = try await memory.withReader { try await $0.documents(in: "mixed__g1", matching: query) }.map(\.key)
                let actual = try await store.withReader { try await $0.documents(in: "mixed__g1", matching: query) }.map(\.key)
                #expect(actual == expected, "\(query)")
            }
        }
    }

    @Test("raw SQL maps PostgreSQL types to SQLValue, runs in the read store's schema, and cannot write through a reader")
    func rawSQL() async throws {
        try await withReadStore { store in
            try await store.withTransaction { tx in
                let sql = try #require(tx.sql)
                try await sql.execute("CREATE TABLE kinds (id integer PRIMARY KEY, b boolean, n numeric, f double precision, t text, y bytea)")
                try await sql.execute(
                    "INSERT INTO kinds VALUES ($1, $2 = 1, $3, $4, $5, $6)",
                    [1, 1, 2.25, 0.1, "x", .blob(Data([0, 1, 2]))]
                )
                try await sql.execute("INSERT INTO kinds (id) VALUES ($1)", [2])
            }
            let table = try await scalar(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = '\(store.configuration.schema)' AND table_name = 'kinds'"
            )
            #expect(table == 1, "an unqualified table is created in the read store's schema")
            try await store.withReader { (reader: any ReadStoreReader) async throws -> Void in
                let sql = try #require(reader.sql)
                let rows = try await sql.query(
                    """
                    SELECT id, b, n, n * 4 AS whole, sum(id) OVER () AS total, f, t, y, '{"a":1}'::jsonb AS j,
                           '2024-01-02T03:04:05.5Z'::timestamptz AS at, NULL::text AS nothing
                    FROM kinds ORDER BY id
                    """
                )
                #expect(rows.count == 2)
                let row = rows[0]
                #expect(row.columns == ["id", "b", "n", "whole", "total", "f", "t", "y", "j", "at", "nothing"])
                #expect(row["id"] == 1 && row["b"] == 1 && row["n"] == 2.25 && row["whole"] == 9 && row["total"] == 3)
                #expect(row["f"] == 0.1 && row["t"] == "x" && row["y"] == .blob(Data([0, 1, 2])))
                #expect(row["j"] == #"{"a": 1}"#)
                #expect(row["at"] == "2024-01-02T03:04:05.500Z")
                #expect(row["nothing"].isNull && rows[1]["b"].isNull)
                await #expect {
                    try await sql.execute("DELETE FROM kinds")
                } throws: { error in
                    (error as? ReadStoreError)?.code == .unsupported
                }
            }
            await #expect {
                try await store.withReader { _ = try await $0.sql!.query("DELETE FROM kinds RETURNING id") }
            } throws: { error in
                (error as? ReadStoreError)?.code == .unsupported
            }
            await #expect {
                try await store.withReader { _ = try await $0.sql!.query("SELECT '1 day'::interval AS i") }
            } throws: { error in
                (error as? ReadStoreError)?.code == .unsupported
            }
            #expect(try await scalar("SELECT count(*) FROM \"\(store.configuration.schema)\".kinds") == 2)
        }
    }

    @Test("transactions of one projection take turns across connections; each sees what the previous one committed")
    func projectionLock() async throws {
        try await withReadStore { store in
            let record = ProjectionRecord(name: "p", active: ProjectionGeneration(number: 1, version: 1, position: 0))
            try await store.withTransaction { try await $0.saveProjectionRecord(record) }
            let firstHasRead = TestSignal()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await store.withTransaction { tx in
                        var current = try #require(try await tx.projectionRecord(named: "p"))
                        firstHasRead.raise()
                        // Holds the lock long enough that the other transaction is sure to be waiting on it, which
                        // the server does not signal; the other side checks it waited at least 200 ms.
                        try await Task.sleep(for: .milliseconds(300))
                        current.active.position = 1
                        try await tx.saveProjectionRecord(current)
                    }
                }
                group.addTask {
                    try await firstHasRead.wait()
                    let started = ContinuousClock.now
                    try await store.withTransaction { tx in
                        // Waits for the first transaction, then reads its result, not the snapshot before it.
                        var current = try #require(try await tx.projectionRecord(named: "p"))
                        #expect(current.active.position == 1)
                        #expect(ContinuousClock.now - started >= .milliseconds(200))
                        current.active.position = 2
                        try await tx.saveProjectionRecord(current)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.withReader { try await $0.projectionRecord(named: "p") }?.active.position == 2)
            // Another projection is not held back.
            try await store.withTransaction { tx in
                _ = try await tx.projectionRecord(named: "p")
                let other = Task {
                    try await store.withTransaction { try await $0.projectionRecord(named: "q") }
                }
                #expect(try await other.value == nil)
            }
        }
    }

    @Test("a transaction used after its closure fails instead of running on a connection it no longer has")
    func escapedTransaction() async throws {
        try await withReadStore { store in
            let escaped = try await store.withTransaction { $0 }
            await #expect {
                _ = try await escaped.projectionRecords()
            } throws: { error in
                (error as? ReadStoreError)?.code == .unsupported
            }
        }
    }

    @Test("a connection lost mid-transaction is reported as unavailable, rolled back, and the store goes on")
    func lostConnection() async throws {
        try await withReadStore { store in
            try await store.withTransaction { try await $0.createCollection("c__g1", indexes: []) }
            let error = await #expect(throws: ReadStoreError.self) {
                try await store.withTransaction { tx in
                    try await tx.putDocument(Data("{}".utf8), key: "lost", indexValues: [:], in: "c__g1")
                    let pid = try #require(try await tx.sql!.query("SELECT pg_backend_pid() AS pid").first?["pid"].int64)
                    try await TestPostgres.readStoreClient.query(PostgresQuery(unsafeSQL: "SELECT pg_terminate_backend(\(pid))"))
                    try await tx.putDocument(Data("{}".utf8), key: "after", indexValues: [:], in: "c__g1")
                }
            }
            #expect(error?.code == .unavailable, "\(String(describing: error))")
            #expect(try await store.withReader { try await $0.documents(in: "c__g1", matching: .all) }.isEmpty)
            try await store.withTransaction { try await $0.putDocument(Data("{}".utf8), key: "k", indexValues: [:], in: "c__g1") }
            #expect(try await store.withReader { try await $0.document(key: "k", in: "c__g1") } != nil)
        }
    }

    @Test("a read store that cannot reach its server reports unavailable")
    func unreachableServer() async throws {
        let settings = try PostgresConnectionSettings(url: "postgres://strata@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=1")
        let client = PostgresClient(configuration: settings.client)
        let store = try PostgresReadStore(client: client)
        let error = await withTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return await #expect(throws: ReadStoreError.self) { try await store.migrate() }
        }
        #expect(error?.code == .unavailable, "\(String(reflecting: error?.underlying))")
    }
}
