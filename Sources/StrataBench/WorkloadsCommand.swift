//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import Strata
import StrataPostgres
import StrataSQLite

/// `strata-bench workloads`: the peer-comparable workloads (batch10, command with 1/4/64 workers, load-10,
/// load-1000, catch-up-decode), each beside the bare driver in the same run.
struct WorkloadsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workloads",
        abstract: "batch10, command (1, 4, 64 workers), load-10, load-1000 and catch-up-decode, beside the bare driver.",
        discussion: """
            The README's benchmark workloads on a bank account (Opened, then Deposited events), on durable settings: \
            SQLite synchronous=FULL, PostgreSQL synchronous_commit=on. The bare driver writes and reads a table of \
            the same columns and indexes in the same transaction shape and decodes with JSONDecoder. Runs are \
            interleaved; medians are reported.
            """
    )

    @Option(help: "sqlite, postgres or all.")
    var backend = "all"

    @Option(help: "Repetitions of each workload; the median is reported.")
    var runs = 5

    @Option(help: "Accounts per batch10 run.")
    var batchAccounts = 10_000

    @Option(help: "Accounts of 10 events in the log that catch-up reads and load-10 loads.")
    var logAccounts = 10_000

    @Option(help: "Accounts per command run (10 commands each).")
    var commandAccounts = 200

    @Option(help: "Worker counts of the command workloads, comma-separated.")
    var workers = "1,4,64"

    @Option(help: "The PostgreSQL server (postgres://…); default: $\(PostgresCommand.environmentVariable).")
    var store: String?

    @Option(help: "Folder for the throwaway SQLite files.")
    var folder = ".benchmarks"

    @Option(help: "Run only the workloads whose names start with one of these, comma-separated (e.g. batch10,command).")
    var only: String?

    func run() async throws {
        guard ["sqlite", "postgres", "all"].contains(backend) else { throw ValidationError("--backend must be sqlite, postgres or all") }
        var sizes = WorkloadSuite.Sizes()
        sizes.batchAccounts = batchAccounts
        sizes.logAccounts = logAccounts
        sizes.commandAccounts = commandAccounts
        sizes.workers = try workers.split(separator: ",").map { text in
            guard let count = Int(text.trimmingCharacters(in: .whitespaces)), count > 0 else {
                throw ValidationError("--workers takes positive whole numbers, comma-separated")
            }
            return count
        }
        let runs = runs
        let prefixes = only?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let selected: @Sendable ([Comparison]) -> [Comparison] = { comparisons in
            guard let prefixes else { return comparisons }
            return comparisons.filter { comparison in prefixes.contains { comparison.name.hasPrefix($0) } }
        }
        if backend != "postgres" {
            let root = URL(fileURLWithPath: folder).appendingPathComponent("workloads-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: root) }
            print("SQLite (synchronous=FULL), \(runs) runs; disk: \(formatted(fsyncRate(in: root))) fdatasyncs/s before the suite")
            let store = try SQLiteEventStore(path: root.appendingPathComponent("events.sqlite").path)
            let raw = try SQLiteRawTable(path: root.appendingPathComponent("raw.sqlite").path)
            let suite = WorkloadSuite(store: store, raw: raw, sizes: sizes)
            let (tens, thousands) = try await suite.prepare()
            let results = try await runComparisons(selected(suite.comparisons(tens: tens, thousands: thousands)), runs: runs, progress: progress)
            printComparisonTable(results, baseline: "raw GRDB")
            try store.close()
            try raw.pool.close()
        }
        if backend != "sqlite" {
            guard let url = store ?? ProcessInfo.processInfo.environment[PostgresCommand.environmentVariable], !url.isEmpty else {
                throw ValidationError("name the PostgreSQL server with --store postgres://… or \(PostgresCommand.environmentVariable)")
            }
            print("\nPostgreSQL (synchronous_commit=on), \(runs) runs")
            let server = PostgresBenchServer(url: url)
            let sizes = sizes
            let connections = max(8, sizes.workers.max() ?? 1)
            let results = try await server.withStore("workloads") { store in
                try await server.withRawTable("rawworkloads", connections: connections) { client, table in
                    let suite = WorkloadSuite(store: store, raw: PostgresRawTable(client: client, table: table), sizes: sizes)
                    let (tens, thousands) = try await suite.prepare()
                    return try await runComparisons(selected(suite.comparisons(tens: tens, thousands: thousands)), runs: runs, progress: progress)
                }
            }
            printComparisonTable(results, baseline: "raw postgres-nio")
        }
    }
}
