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
import StrataPostgres
import StrataTestSupport
import Testing

@Suite("PostgreSQL read replicas", .timeLimit(.minutes(5)), .enabled(if: PrivatePostgres.isAvailable))
struct PostgresReadReplicaTests {
    @Test("queries read a streaming replica with read-your-writes kept exact, and the primary while it lags or is down")
    func queriesOnAStreamingReplica() async throws {
        try await withPrimaryAndReplica { try await readFromReplica(primary: $0, replica: $1) }
    }

    /// Starts a primary and a streaming replica of it, runs `body` with them, and destroys both, on every path.
    private func withPrimaryAndReplica(
        replicaOptions: String = "",
        _ body: (PrivatePostgres, PrivatePostgres) async throws -> Void
    ) async throws {
        let primary = try await PrivatePostgres.start()
        let replica: PrivatePostgres
        do {
            replica = try await primary.startReplica(options: replicaOptions)
        } catch {
            await primary.destroy()
            throw error
        }
        do {
            try await body(primary, replica)
        } catch {
            Issue.record("primary log:\n\(primary.serverLog())\nreplica log:\n\(replica.serverLog())")
            await replica.destroy()
            await primary.destroy()
            throw error
        }
        await replica.destroy()
        await primary.destroy()
    }

    private func readFromReplica(primary: PrivatePostgres, replica: PrivatePostgres) async throws {
        let events = try PostgresEventStore(url: primary.url(schema: "shop"))
        let readStore = try PostgresReadStore(url: primary.url(schema: "shop_read"))
        var standbyConfiguration = PostgresReadStore.Configuration()
        standbyConfiguration.readerConnectionWaitLimit = .seconds(1)
        let standby = try PostgresReadStore(url: replica.url(schema: "shop_read"), configuration: standbyConfiguration)
        let runner = ProjectionRunner(store: events, readStore: readStore, projections: [TallyProjection()])
        var configuration = ReadReplicas.Configuration()
        configuration.checkInterval = .milliseconds(100)
        configuration.replicaWaitLimit = .seconds(3)
        let replicas = ReadReplicas(primary: readStore, replicas: [.init(name: "standby", store: standby)], configuration: configuration)
        let queries = QueryHandler(readStore: readStore, progress: runner.progress, timeout: .seconds(20), replicas: replicas)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await events.run() }
            group.addTask { await readStore.run() }
            group.addTask { await standby.run() }
            defer { group.cancelAll() }
            try await events.migrate()
            try await readStore.migrate()
            group.addTask { try await runner.run() }
            group.addTask { try await replicas.run() }
            func tally() async throws -> GlobalPosition {
                try await events.append([Tallied.event()], to: "tally-1", expecting: .any).position
            }

            // The read models reach the replica by PostgreSQL's own replication; a read-your-writes query waits on
            // the registry as the replica shows it, so it sees its write although the replica trails the primary.
            try await eventually("the standby to get queries", within: .seconds(60), every: .milliseconds(50)) {
                replicas.statuses[0].health == .available
            }
            for count in 1...20 {
                let position = try await tally()
                #expect(try await queries.ask(TallyQuery(), minimumPosition: position) == count)
            }
            #expect(replicas.statuses[0].queriesAnswered == 20)
            #expect(replicas.statuses[0].fallbacks == 0)

            // Replay paused: the replica keeps answering from what it has, but a query that must show a newer write
            // is answered by the primary once the wait limit passes.
            try await sql("SELECT pg_wal_replay_pause()", on: replica)
            let unreplayed = try await tally()
            #expect(try await queries.ask(TallyQuery(), minimumPosition: unreplayed) == 21)
            #expect(replicas.statuses[0].fallbacks == 1)
            #expect(try await queries.ask(TallyQuery()) == 20)
            #expect(replicas.statuses[0].queriesAnswered == 21)
            try await sql("SELECT pg_wal_replay_resume()", on: replica)

            // The replica stops: queries are answered by the primary, within moments, and exactly.
            try await replica.stopServer()
            for count in 22...26 {
                let position = try await tally()
                #expect(try await queries.ask(TallyQuery(), minimumPosition: position) == count)
            }
            #expect(replicas.statuses[0].health == .unavailable)
            #expect(replicas.statuses[0].queriesAnswered == 21)

            // It comes back: a check finds it well, and it answers again.
            try await replica.startServer()
            try await eventually("the standby to get queries again", within: .seconds(60), every: .milliseconds(50)) {
                replicas.statuses[0].health == .available
            }
            let position = try await tally()
            #expect(try await queries.ask(TallyQuery(), minimumPosition: position) == 27)
            #expect(replicas.statuses[0].queriesAnswered == 22)
        }
    }

    @Test("a query the replica cancels, because it holds a table the replica must change, is answered by the primary")
    func recoveryConflictFallsBack() async throws {
        // A standby that never delays its replay for a query: the conflict cancels the query at once.
        try await withPrimaryAndReplica(replicaOptions: "-c max_standby_streaming_delay=0") {
            try await conflictWithRecovery(primary: $0, replica: $1)
        }
    }

    private func conflictWithRecovery(primary: PrivatePostgres, replica: PrivatePostgres) async throws {
        let readStore = try PostgresReadStore(url: primary.url(schema: "shop_read"))
        var standbyConfiguration = PostgresReadStore.Configuration()
        standbyConfiguration.readerConnectionWaitLimit = .seconds(1)
        let standby = try PostgresReadStore(url: replica.url(schema: "shop_read"), configuration: standbyConfiguration)
        var configuration = ReadReplicas.Configuration()
        configuration.checkInterval = .milliseconds(100)
        let replicas = ReadReplicas(primary: readStore, replicas: [.init(name: "standby", store: standby)], configuration: configuration)
        let queries = QueryHandler(readStore: readStore, progress: nil, timeout: .seconds(20), replicas: replicas)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await readStore.run() }
            group.addTask { await standby.run() }
            defer { group.cancelAll() }
            try await readStore.migrate()
            try await sql("CREATE TABLE shop_read.slow (n integer)", "INSERT INTO shop_read.slow VALUES (1), (2)", on: primary)
            group.addTask { try await replicas.run() }
            try await eventually("the standby to answer from the table", within: .seconds(60), every: .milliseconds(50)) {
                guard replicas.statuses[0].health == .available else { return false }
                let count = try? await queries.ask(SlowCount(seconds: 0))
                return count == 2 && replicas.statuses[0].queriesAnswered > 0
            }
            let answered = replicas.statuses[0].queriesAnswered

            // The query sleeps on the standby, holding the table; the primary then locks the table exclusively,
            // which the standby must replay: it cancels the query, and the primary answers it.
            async let count = queries.ask(SlowCount(seconds: 3))
            try await Task.sleep(for: .milliseconds(800))
            try await sql("LOCK TABLE shop_read.slow IN ACCESS EXCLUSIVE MODE", on: primary, inOneTransaction: true)
            #expect(try await count == 2)
            #expect(replicas.statuses[0].queriesAnswered == answered)
            #expect(replicas.statuses[0].fallbacks == 1)
            #expect(replicas.statuses[0].lastError?.contains("conflict with recovery") == true, "\(replicas.statuses[0].lastError ?? "")")
        }
    }

    /// Runs statements on `server`'s `postgres` database, one after the other or in one transaction.
    private func sql(_ statements: String..., on server: PrivatePostgres, inOneTransaction: Bool = false) async throws {
        let settings = try PostgresConnectionSettings(url: server.url(schema: "public"))
        let client = PostgresClient(configuration: settings.client)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.withConnection { connection in
                if inOneTransaction { try await connection.query("BEGIN", logger: Logger(label: "test")) }
                for statement in statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Logger(label: "test"))
                }
                if inOneTransaction { try await connection.query("COMMIT", logger: Logger(label: "test")) }
            }
        }
    }
}

/// How many rows the table `slow` holds, after sleeping `seconds` on the server.
private struct SlowCount: Query {
    var seconds: Double
    var projections: [String] { [] }

    func run(on reader: ReadModelReader) async throws -> Int {
        let rows = try await reader.sql().query("SELECT count(*) FROM slow, pg_sleep(\(seconds)) AS pause")
        return Int(rows.first?.values.first?.int64 ?? -1)
    }
}
