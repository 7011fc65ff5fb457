//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import PostgresNIO
import Strata
import StrataPostgres
import StrataSQLite

struct ProjectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "Projection catch-up into a document read model, on SQLite and on PostgreSQL, next to the bare driver.",
        discussion: """
            The log holds --events deposits to accounts of ten events each. Each run builds the balances read model \
            from the start of the log into a fresh read store (a new file, or a new schema) and stops at the head. \
            SQLite runs with synchronous=FULL, PostgreSQL with the server's settings.
            """
    )

    @Option(help: "sqlite, postgres or all.")
    var backend = "all"

    @Option(help: "Events in the log.")
    var events = 100_000

    @Option(help: "Repetitions of each workload; the median is reported.")
    var runs = 3

    @Option(help: "Events per read-store transaction; default: the projection runner's.")
    var batchSize = ProjectionRunner.Configuration().batchSize

    @Option(help: "The PostgreSQL server (postgres://…); default: $\(PostgresCommand.environmentVariable).")
    var store: String?

    @Flag(help: "Measure Strata only, without the bare-driver baseline (which applies events one by one and is slow).")
    var skipRaw = false

    @Option(help: "Folder for the throwaway SQLite files.")
    var folder = ".benchmarks"

    func run() async throws {
        guard ["sqlite", "postgres", "all"].contains(backend) else { throw ValidationError("--backend must be sqlite, postgres or all") }
        print("Projection catch-up: \(events) events, batches of \(batchSize), \(runs) runs per workload, interleaved")
        if backend != "postgres" {
            print("\nSQLite (events and read model in separate files, synchronous=FULL)")
            printComparisonTable(try await sqlite(), baseline: "raw GRDB")
        }
        if backend != "sqlite" {
            guard let url = store ?? ProcessInfo.processInfo.environment[PostgresCommand.environmentVariable], !url.isEmpty else {
                throw ValidationError("name the PostgreSQL server with --store postgres://… or \(PostgresCommand.environmentVariable)")
            }
            print("\nPostgreSQL (events and read model in separate schemas)")
            printComparisonTable(try await postgres(PostgresBenchServer(url: url)), baseline: "raw postgres-nio")
        }
    }

    private func sqlite() async throws -> [ComparisonResult] {
        let root = URL(fileURLWithPath: folder).appendingPathComponent("projections-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let eventsPath = root.appendingPathComponent("events.sqlite").path
        let (events, batchSize, skipRaw) = (events, batchSize, skipRaw)
        let store = try SQLiteEventStore(path: eventsPath)
        progress("appending \(events) events")
        try await ProjectionCatchUpBenchmark.seed(store, events: events)
        let benchmark = ProjectionCatchUpBenchmark(events: events, batchSize: batchSize)
        let fresh: @Sendable (String) -> String = { root.appendingPathComponent("\($0)-\(UUID().uuidString).sqlite").path }
        let results = try await runComparisons(
            [
                Comparison(
                    name: "catch-up",
                    unit: "events/s",
                    strata: {
                        let readStore = try SQLiteReadStore(path: fresh("read"))
                        let rate = try await benchmark.strata(store, into: readStore)
                        try await Self.verify(readStore, events: events)
                        try readStore.close()
                        return rate
                    },
                    raw: {
                        guard !skipRaw else { return .nan }
                        return try await SQLiteProjectionBaseline(
                            eventsPath: eventsPath, readPath: fresh("raw"), events: events, batchSize: batchSize
                        ).run()
                    }
                )
            ],
            runs: runs,
            progress: progress
        )
        try store.close()
        return results
    }

    private func postgres(_ server: PostgresBenchServer) async throws -> [ComparisonResult] {
        let (events, batchSize, runs, skipRaw) = (events, batchSize, runs, skipRaw)
        return try await server.withStore("projections") { store in
            progress("appending \(events) events")
            try await ProjectionCatchUpBenchmark.seed(store, events: events)
            let benchmark = ProjectionCatchUpBenchmark(events: events, batchSize: batchSize)
            let eventsTable = "\"\(store.configuration.schema)\".strata_events"
            return try await server.withClient(connections: 2) { client in
                try await runComparisons(
                    [
                        Comparison(
                            name: "catch-up",
                            unit: "events/s",
                            strata: {
                                let schema = PostgresBenchServer.freshSchema("read")
                                let readStore = try PostgresReadStore(client: client, configuration: .init(schema: schema))
                                try await readStore.migrate()
                                let rate = try await benchmark.strata(store, into: readStore)
                                try await Self.verify(readStore, events: events)
                                try await PostgresBenchServer.dropSchema(schema, on: client)
                                return rate
                            },
                            raw: {
                                guard !skipRaw else { return .nan }
                                let schema = PostgresBenchServer.freshSchema("raw")
                                let rate = try await PostgresProjectionBaseline(
                                    client: client,
                                    eventsTable: eventsTable,
                                    schema: schema,
                                    events: events,
                                    batchSize: batchSize
                                ).run()
                                try await PostgresBenchServer.dropSchema(schema, on: client)
                                return rate
                            }
                        )
                    ],
                    runs: runs,
                    progress: progress
                )
            }
        }
    }

    /// Checks that every deposit reached its account's document, so a fast figure cannot hide lost work.
    private static func verify(_ readStore: any ReadStore, events: Int) async throws {
        let accounts = try await readStore.withReader { reader in
            try await ReadModelReader(store: reader).documents("accounts", of: "balances", as: AccountBalance.self).find()
        }
        let deposits = accounts.reduce(0) { $0 + $1.deposits }
        guard deposits == events else { throw BenchError("the read model counts \(deposits) of \(events) deposits") }
    }
}
