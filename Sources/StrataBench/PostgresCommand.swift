//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import PostgresNIO
import StrataPostgres

struct PostgresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postgres",
        abstract: "Appends and subscription catch-up on PostgreSQL, each next to the bare postgres-nio equivalent.",
        discussion: """
            Every workload works in schemas of its own, created and dropped by the run, so any database the user may \
            create schemas in will do. Runs are interleaved; the medians are reported.
            """
    )

    /// The variable consulted when `--store` is not given, as for the `strata` command.
    static let environmentVariable = "STRATA_POSTGRES_URL"

    @Option(
        help: ArgumentHelp(
            "The PostgreSQL server: postgres://user@host:port/database?sslmode=….",
            discussion: "Default: $\(PostgresCommand.environmentVariable).",
            valueName: "url"
        )
    )
    var store: String?

    @Option(help: "Repetitions of each workload; the median is reported.")
    var runs = 5

    @Option(help: "Single-event appends per run, for the sequential and the concurrent workloads.")
    var appends = 2000

    @Option(help: "Concurrent tasks for the concurrent workload.")
    var concurrency = 64

    @Option(help: "Appends per run for the workload of appends of several events.")
    var batchAppends = 200

    @Option(help: "Events per append for the workload of appends of several events.")
    var batchSize = 100

    @Option(help: "Events in the log that the catch-up workload reads (0 skips it).")
    var catchUpEvents = 100_000

    @Flag(help: "Skip the append workloads.")
    var skipAppends = false

    func run() async throws {
        let server = PostgresBenchServer(url: try serverURL())
        print("PostgreSQL at \(PostgresConnectionSettings.redacted(server.url)): \(try await describe(server))")
        print("\(runs) runs per workload, interleaved; disk: \(formatted(fsyncRate(in: URL(fileURLWithPath: NSTemporaryDirectory())))) fdatasyncs/s")
        if !skipAppends {
            let benchmark = PostgresAppendBenchmark(
                server: server,
                appends: appends,
                concurrency: concurrency,
                batchAppends: batchAppends,
                batchSize: batchSize
            )
            let results = try await runComparisons(
                [
                    Comparison(name: "1 task", unit: "appends/s", strata: benchmark.strataSequential, raw: benchmark.rawSequential),
                    Comparison(
                        name: "\(concurrency) tasks",
                        unit: "appends/s",
                        strata: benchmark.strataConcurrent,
                        raw: benchmark.rawConcurrent
                    ),
                    Comparison(name: "\(batchSize)-event appends", unit: "events/s", strata: benchmark.strataBatches, raw: benchmark.rawBatches),
                ],
                runs: runs,
                progress: progress
            )
            print("\nAppends: \(appends) single-event appends per run (\(batchAppends) appends of \(batchSize) events for the last)")
            printComparisonTable(results)
        }
        if catchUpEvents > 0 {
            let results = try await catchUp(server)
            print("\nSubscription catch-up over \(catchUpEvents) events (raw: pages of \(PostgresCatchUpBenchmark.rawPageSize))")
            printComparisonTable(results)
        }
        print("\ndisk: \(formatted(fsyncRate(in: URL(fileURLWithPath: NSTemporaryDirectory())))) fdatasyncs/s after the suite")
    }

    private func catchUp(_ server: PostgresBenchServer) async throws -> [ComparisonResult] {
        let (events, runs) = (catchUpEvents, runs)
        return try await server.withStore("catchup") { store in
            let benchmark = PostgresCatchUpBenchmark(store: store, events: events)
            progress("appending \(events) events for the catch-up workload")
            try await benchmark.seed()
            return try await server.withClient(connections: 1) { client in
                try await runComparisons(
                    [Comparison(name: "catch-up", unit: "events/s", strata: benchmark.strata, raw: { try await benchmark.raw(client: client) })],
                    runs: runs,
                    progress: progress
                )
            }
        }
    }

    /// The URL of `--store`, else of `STRATA_POSTGRES_URL`.
    private func serverURL() throws -> String {
        guard let url = store ?? ProcessInfo.processInfo.environment[Self.environmentVariable], !url.isEmpty else {
            throw ValidationError("name the server with --store postgres://… or \(Self.environmentVariable)")
        }
        let settings: PostgresConnectionSettings
        do {
            settings = try PostgresConnectionSettings(url: url)
        } catch {
            throw ValidationError("\(error)")
        }
        guard settings.schema == nil else {
            throw ValidationError("leave schema= out of the URL: every workload makes schemas of its own")
        }
        return url
    }

    /// The server's version and durability settings, which every append figure depends on.
    private func describe(_ server: PostgresBenchServer) async throws -> String {
        try await server.withClient(connections: 1) { client in
            var settings: [String] = []
            let rows = try await client.query(
                "SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit')"
            )
            for try await (version, fsync, synchronousCommit) in rows.decode((String, String, String).self) {
                settings = ["version \(version)", "fsync \(fsync)", "synchronous_commit \(synchronousCommit)"]
            }
            return settings.joined(separator: ", ")
        }
    }
}

/// Tells the person waiting what runs, on standard error so that the table stays clean.
@Sendable func progress(_ message: String) {
    FileHandle.standardError.write(Data("  \(message)\n".utf8))
}
