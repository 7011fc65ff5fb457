//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import StrataSQLite

/// `strata-bench`: measures Strata against the bare database, in one run, and prints a table.
///
/// Build it in release mode: `swift run -c release strata-bench append`, or run `scripts/bench.sh` for every
/// suite, against a throwaway PostgreSQL server.
@main
struct StrataBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strata-bench",
        abstract: "Measure Strata against the bare database on this machine.",
        subcommands: [
            WorkloadsCommand.self, HTTPBaselineCommand.self, AppendCommand.self, PostgresCommand.self, ProjectionsCommand.self,
            AggregateLoadCommand.self, DelayProxyCommand.self,
        ]
    )
}

struct AppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Single-event appends on SQLite: sequential, and concurrent tasks on distinct streams."
    )

    @Option(help: "Repetitions of each workload; the median is reported.")
    var runs = 5

    @Option(help: "Appends per workload.")
    var appends = 4000

    @Option(help: "Concurrent tasks for the concurrent workload.")
    var concurrency = 64

    @Option(help: "SQLite durability: full, normal or off.")
    var durability = "full"

    @Option(help: "Folder for the throwaway databases.")
    var folder = ".benchmarks"

    func run() async throws {
        let level: SQLiteEventStore.Durability
        switch durability {
        case "full": level = .full
        case "normal": level = .normal
        case "off": level = .off
        default: throw ValidationError("--durability must be full, normal or off")
        }
        let root = URL(fileURLWithPath: folder).appendingPathComponent("append-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let benchmark = AppendBenchmark(folder: root, appends: appends, concurrency: concurrency, durability: level)

        print("SQLite single-event appends, synchronous=\(level), \(appends) appends per run, \(runs) runs")
        print("disk: \(formatted(fsyncRate(in: root))) fdatasyncs/s before the suite")
        let workloads: [(String, () async throws -> Double)] = [
            ("strata, 1 task", benchmark.strataSequential),
            ("raw GRDB, 1 task", benchmark.rawSequential),
            ("strata, \(concurrency) tasks", benchmark.strataConcurrent),
            ("raw GRDB, \(concurrency) tasks", benchmark.rawConcurrent),
        ]
        var results: [(String, Measurements)] = workloads.map { ($0.0, Measurements()) }
        // Interleaved, so that a change of the disk's state affects every workload alike.
        for _ in 0..<runs {
            for (index, workload) in workloads.enumerated() {
                results[index].1.values.append(try await workload.1())
            }
        }
        print("")
        print("workload".padding(toLength: 24, withPad: " ", startingAt: 0) + "     median        min        max  (appends/s)")
        for (name, measurements) in results {
            let columns = [measurements.median, measurements.minimum, measurements.maximum].map {
                formatted($0).leftPadded(to: 10)
            }
            print(name.padding(toLength: 24, withPad: " ", startingAt: 0) + " " + columns.joined(separator: " "))
        }
        print("disk: \(formatted(fsyncRate(in: root))) fdatasyncs/s after the suite; peak memory \(formatted(peakMemoryMiB())) MiB")
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
