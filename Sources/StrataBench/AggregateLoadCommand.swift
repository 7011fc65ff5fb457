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

struct AggregateLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregates",
        abstract: "Aggregate load times with and without snapshots, on SQLite and on PostgreSQL.",
        discussion: """
            For each size, one account stream holds that many events. "events" loads it by folding every event; \
            "snapshot" loads it from a snapshot taken min(50, size/2) events before the end, plus the events after \
            it, as an every-50-events policy leaves it on average. Each run times a series of loads; the median \
            per load is reported.
            """
    )

    @Option(help: "sqlite, postgres or all.")
    var backend = "all"

    @Option(help: "Aggregate sizes in events, comma-separated.")
    var sizes = "10,1000,100000"

    @Option(help: "Repetitions of each workload; the median is reported.")
    var runs = 5

    @Option(help: "The PostgreSQL server (postgres://…); default: $\(PostgresCommand.environmentVariable).")
    var store: String?

    @Option(help: "Folder for the throwaway SQLite files.")
    var folder = ".benchmarks"

    func run() async throws {
        guard ["sqlite", "postgres", "all"].contains(backend) else { throw ValidationError("--backend must be sqlite, postgres or all") }
        let sizes = try self.sizes.split(separator: ",").map { text in
            guard let size = Int(text.trimmingCharacters(in: .whitespaces)), size >= 2 else {
                throw ValidationError("--sizes takes whole numbers of at least 2, comma-separated")
            }
            return size
        }
        print("Aggregate loads: \(runs) runs per workload, median milliseconds per load")
        if backend != "postgres" {
            let root = URL(fileURLWithPath: folder).appendingPathComponent("aggregates-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: root) }
            let store = try SQLiteEventStore(path: root.appendingPathComponent("events.sqlite").path)
            print("\nSQLite")
            printTable(try await AggregateLoadBenchmark(store: store, snapshots: store, runs: runs).measure(sizes: sizes))
            try store.close()
        }
        if backend != "sqlite" {
            guard let url = store ?? ProcessInfo.processInfo.environment[PostgresCommand.environmentVariable], !url.isEmpty else {
                throw ValidationError("name the PostgreSQL server with --store postgres://… or \(PostgresCommand.environmentVariable)")
            }
            let runs = runs
            print("\nPostgreSQL")
            let results = try await PostgresBenchServer(url: url).withStore("aggregates") { store in
                try await AggregateLoadBenchmark(store: store, snapshots: store, runs: runs).measure(sizes: sizes)
            }
            printTable(results)
        }
    }

    private func printTable(_ results: [AggregateLoadBenchmark.Result]) {
        print("events    from events ms (min–max)        from snapshot ms (min–max)      speed-up  events/s from events")
        for result in results {
            let plain = result.fromEvents
            let snapshot = result.fromSnapshot
            let milliseconds = { (value: Double) in value < 100 ? String(format: "%.2f", value) : formatted(value) }
            var line = String(result.size).padding(toLength: 10, withPad: " ", startingAt: 0)
            line += "\(milliseconds(plain.median)) (\(milliseconds(plain.minimum))–\(milliseconds(plain.maximum)))".padding(
                toLength: 32, withPad: " ", startingAt: 0)
            line += "\(milliseconds(snapshot.median)) (\(milliseconds(snapshot.minimum))–\(milliseconds(snapshot.maximum)))".padding(
                toLength: 32, withPad: " ", startingAt: 0)
            line += String(format: "%.1fx", plain.median / snapshot.median).leftPadded(to: 8)
            line += formatted(Double(result.size) / (plain.median / 1000)).leftPadded(to: 22)
            print(line)
        }
    }
}

/// Loads accounts of several sizes through a CommandHandler, with and without a snapshot.
struct AggregateLoadBenchmark: Sendable {
    struct Result: Sendable {
        var size: Int
        var fromEvents = Measurements()
        var fromSnapshot = Measurements()
    }

    let store: any EventStore
    let snapshots: any SnapshotStore
    let runs: Int

    func measure(sizes: [Int]) async throws -> [Result] {
        var results: [Result] = []
        let plain = CommandHandler(store: store, decider: BenchAccount())
        let snapshotting = CommandHandler(
            store: store,
            decider: BenchAccount(),
            snapshotting: Snapshotting(store: snapshots, kind: "account", policy: .onDemand)
        )
        for size in sizes {
            let stream = StreamID(category: "account", id: UUID().uuidString.lowercased())
            let tail = min(50, size / 2)
            progress("appending \(size) events")
            try await append(size - tail, to: stream, after: nil)
            try await snapshotting.takeSnapshot(of: stream)
            try await append(tail, to: stream, after: StreamVersion(UInt64(size - tail - 1)))
            // Enough loads per run that a short load is not lost in timer noise.
            let loads = max(1, min(1000, 20_000 / size))
            var result = Result(size: size)
            for run in 1...runs {
                progress("run \(run)/\(runs): \(size) events")
                try await result.fromEvents.measure { try await timeLoads(loads, of: stream, with: plain, expectingDeposits: size - 1) }
                try await result.fromSnapshot.measure { try await timeLoads(loads, of: stream, with: snapshotting, expectingDeposits: size - 1) }
            }
            results.append(result)
        }
        return results
    }

    /// Milliseconds per load, checking the state so a fast figure cannot hide a wrong one.
    private func timeLoads(_ loads: Int, of stream: StreamID, with handler: CommandHandler<BenchAccount>, expectingDeposits deposits: Int)
        async throws -> Double
    {
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<loads {
            let loaded = try await handler.load(stream)
            guard loaded.state.deposits == deposits else {
                throw BenchError("loaded \(loaded.state.deposits) deposits of \(deposits)")
            }
        }
        let elapsed = start.duration(to: clock.now)
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * 1000 / Double(loads)
    }

    /// Appends `count` events (the stream's first is its opening), in appends of up to 1,000.
    private func append(_ count: Int, to stream: StreamID, after version: StreamVersion?) async throws {
        let codec = BenchAccount().codec
        var version = version
        var remaining = count
        while remaining > 0 {
            let batch = min(1000, remaining)
            let events: [NewEvent] = try (0..<batch).map { index in
                version == nil && index == 0
                    ? try codec.newEvent(BenchAccount.Opened(owner: "bench"))
                    : try codec.newEvent(BenchAccount.Deposited(amount: 1))
            }
            let result = try await store.append(events, to: stream, expecting: version.map { .exactly($0) } ?? .noStream)
            version = result.streamVersion
            remaining -= batch
        }
    }
}

/// The bank account the aggregate workloads load.
struct BenchAccount: Decider {
    struct Opened: DomainEvent {
        static let eventType = "Opened"
        var owner: String
    }

    struct Deposited: DomainEvent {
        static let eventType = "Deposited"
        var amount: Int
    }

    struct State: Codable, Sendable {
        var balance = 0
        var deposits = 0
    }

    let initialState = State()
    let codec = EventRegistry(Opened.self, Deposited.self)

    func decide(_ command: Int, state: State) throws -> [any DomainEvent] { [Deposited(amount: command)] }

    func evolve(_ state: State, event: any DomainEvent) -> State {
        guard let deposit = event as? Deposited else { return state }
        return State(balance: state.balance + deposit.amount, deposits: state.deposits + 1)
    }
}
