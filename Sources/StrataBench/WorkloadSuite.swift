//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Synchronization

/// The benchmark workloads (batch10, command, load, catch-up; see the README's Benchmarks section) on one backend:
/// each Strata figure beside the bare driver doing the same work in the same transaction shape, over the same kind
/// of table.
struct WorkloadSuite: Sendable {
    struct Sizes: Sendable {
        /// Accounts per batch10 run (10 events each, one append per account).
        var batchAccounts = 10_000
        /// Accounts of 10 events in the log that catch-up reads and load-10 loads.
        var logAccounts = 10_000
        /// Accounts per command run per worker count, each taking 10 commands.
        var commandAccounts = 200
        /// Concurrent workers of the command workloads.
        var workers = [1, 4, 64]
    }

    let store: any EventStore
    let raw: any RawEventTable
    let sizes: Sizes

    init(store: any EventStore, raw: any RawEventTable, sizes: Sizes) {
        self.store = store
        self.raw = raw
        self.sizes = sizes
    }

    private var handler: CommandHandler<BenchAccount> { CommandHandler(store: store, decider: BenchAccount()) }
    private let codec = BenchAccount().codec

    private static func stream(_ id: String) -> StreamID { StreamID(category: "account", id: id) }

    /// Fills both tables with the same log: accounts of 10 events for catch-up and load-10, and 5 accounts of
    /// 1,000 events for load-1000. Returns their stream ids.
    func prepare() async throws -> (tens: [String], thousands: [String]) {
        let tens = (0..<sizes.logAccounts).map { "ten-\($0)" }
        let thousands = (0..<5).map { "thousand-\($0)" }
        progress("filling the log: \(tens.count) accounts of 10 events, 5 of 1,000")
        try await concurrently(tens, workers: 8) { id in
            _ = try await store.append(try tenEvents(), to: Self.stream(id), expecting: .noStream)
            try await raw.append(Self.rawTen(), to: "account-\(id)", firstVersion: 0)
        }
        for id in thousands {
            let events =
                try [codec.newEvent(BenchAccount.Opened(owner: "bench"))]
                + (1..<1000).map { _ in try codec.newEvent(BenchAccount.Deposited(amount: 1)) }
            _ = try await store.append(events, to: Self.stream(id), expecting: .noStream)
            try await raw.append([RawAccount.opened] + (1..<1000).map { _ in RawAccount.deposited(1) }, to: "account-\(id)", firstVersion: 0)
        }
        return (tens, thousands)
    }

    func comparisons(tens: [String], thousands: [String]) -> [Comparison] {
        var comparisons = [
            Comparison(
                name: "catch-up-decode, \(formatted(Double(tens.count * 10))) events", unit: "events/s",
                strata: {
                    try await strataCatchUp(events: tens.count * 10)
                },
                raw: {
                    try await rawCatchUp(events: tens.count * 10)
                }),
            Comparison(
                name: "load-10", unit: "aggregates/s",
                strata: {
                    try await strataLoads(Array(tens.prefix(2000)), repeats: 1, deposits: 9)
                },
                raw: {
                    try await rawLoads(Array(tens.prefix(2000)), repeats: 1, deposits: 9)
                }),
            Comparison(
                name: "load-1000", unit: "aggregates/s",
                strata: {
                    try await strataLoads(thousands, repeats: 10, deposits: 999)
                },
                raw: {
                    try await rawLoads(thousands, repeats: 10, deposits: 999)
                }),
            Comparison(name: "batch10", unit: "events/s", strata: strataBatch10, raw: rawBatch10),
        ]
        // Then the same commands with an AggregateCache: only the first command on each account reads it. The bare
        // driver has no such cache, so its figure is the uncached one.
        for cached in [false, true] {
            for workers in sizes.workers {
                comparisons.append(
                    Comparison(
                        name: "command, \(cached ? "cached, " : "")\(workers) worker\(workers == 1 ? "" : "s")", unit: "commands/s",
                        strata: {
                            try await strataCommands(workers: workers, cached: cached)
                        },
                        raw: {
                            try await rawCommands(workers: workers)
                        })
                )
            }
        }
        return comparisons
    }

    // MARK: Strata

    private func tenEvents() throws -> [NewEvent] {
        try [codec.newEvent(BenchAccount.Opened(owner: "bench"))] + (1..<10).map { _ in try codec.newEvent(BenchAccount.Deposited(amount: 1)) }
    }

    private func strataCatchUp(events: Int) async throws -> Double {
        try await rate(operations: events) {
            var position = GlobalPosition.start
            var read = 0
            while read < events {
                let page = try await store.readAll(from: position.next, limit: min(1000, events - read))
                guard let last = page.last else { throw BenchError("the log ended after \(read) events") }
                for event in page { _ = try codec.decode(event) }
                read += page.count
                position = last.position
            }
        }
    }

    private func strataLoads(_ ids: [String], repeats: Int, deposits: Int) async throws -> Double {
        let handler = handler
        return try await rate(operations: ids.count * repeats) {
            for _ in 0..<repeats {
                for id in ids {
                    let loaded = try await handler.load(Self.stream(id))
                    guard loaded.state.deposits == deposits else { throw BenchError("loaded \(loaded.state.deposits) deposits of \(deposits)") }
                }
            }
        }
    }

    private func strataBatch10() async throws -> Double {
        let run = UUID().uuidString.prefix(8)
        return try await rate(operations: sizes.batchAccounts * 10) {
            for n in 0..<sizes.batchAccounts {
                _ = try await store.append(try tenEvents(), to: Self.stream("b\(run)-\(n)"), expecting: .noStream)
            }
        }
    }

    private func strataCommands(workers: Int, cached: Bool) async throws -> Double {
        let ids = try await openAccounts(workers: workers) { id in
            _ = try await store.append([try codec.newEvent(BenchAccount.Opened(owner: "bench"))], to: Self.stream(id), expecting: .noStream)
        }
        var handler = handler
        handler.cache = cached ? AggregateCache(capacity: ids.count) : nil
        let commandHandler = handler
        return try await rate(operations: ids.count * 10) {
            try await concurrently(ids, workers: workers) { id in
                for amount in 1...10 { _ = try await commandHandler.handle(amount, on: Self.stream(id)) }
            }
        }
    }

    // MARK: The bare driver

    private static func rawTen() -> [(type: String, data: Data)] { [RawAccount.opened] + (1..<10).map { _ in RawAccount.deposited(1) } }

    private func rawCatchUp(events: Int) async throws -> Double {
        try await rate(operations: events) {
            var position: Int64 = 0
            var read = 0
            while read < events {
                let page = try await raw.readPage(after: position, limit: min(1000, events - read))
                guard let last = page.last else { throw BenchError("the log ended after \(read) events") }
                _ = try RawAccount.fold(page)
                read += page.count
                position = last.position
            }
        }
    }

    private func rawLoads(_ ids: [String], repeats: Int, deposits: Int) async throws -> Double {
        try await rate(operations: ids.count * repeats) {
            for _ in 0..<repeats {
                for id in ids {
                    let state = try RawAccount.fold(try await raw.readStream("account-\(id)"))
                    guard state.deposits == deposits else { throw BenchError("loaded \(state.deposits) deposits of \(deposits)") }
                }
            }
        }
    }

    private func rawBatch10() async throws -> Double {
        let run = UUID().uuidString.prefix(8)
        return try await rate(operations: sizes.batchAccounts * 10) {
            for n in 0..<sizes.batchAccounts {
                try await raw.append(Self.rawTen(), to: "account-b\(run)-\(n)", firstVersion: 0)
            }
        }
    }

    /// Per command: read the stream, decode and fold it, insert the next version (the unique key is the check).
    private func rawCommands(workers: Int) async throws -> Double {
        let ids = try await openAccounts(workers: workers) { id in
            try await raw.append([RawAccount.opened], to: "account-\(id)", firstVersion: 0)
        }
        return try await rate(operations: ids.count * 10) {
            try await concurrently(ids, workers: workers) { id in
                for amount in 1...10 {
                    let events = try await raw.readStream("account-\(id)")
                    _ = try RawAccount.fold(events)
                    try await raw.append([RawAccount.deposited(amount)], to: "account-\(id)", firstVersion: Int64(events.count))
                }
            }
        }
    }

    // MARK: Helpers

    /// Fresh accounts for one command run, opened before the clock starts.
    private func openAccounts(workers: Int, _ open: @escaping @Sendable (String) async throws -> Void) async throws -> [String] {
        let run = UUID().uuidString.prefix(8)
        let ids = (0..<max(sizes.commandAccounts, workers)).map { "c\(run)-\($0)" }
        try await concurrently(ids, workers: min(workers, 8), open)
        return ids
    }
}

/// Runs `body` for every id, with `workers` tasks each taking the next id in turn.
func concurrently(_ ids: [String], workers: Int, _ body: @escaping @Sendable (String) async throws -> Void) async throws {
    let next = NextIndex()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<max(1, workers) {
            group.addTask {
                while let index = next.take(below: ids.count) { try await body(ids[index]) }
            }
        }
        try await group.waitForAll()
    }
}

/// Hands out indexes to concurrent workers.
final class NextIndex: Sendable {
    private let value = Mutex(0)

    func take(below count: Int) -> Int? {
        value.withLock { next in
            guard next < count else { return nil }
            defer { next += 1 }
            return next
        }
    }
}
