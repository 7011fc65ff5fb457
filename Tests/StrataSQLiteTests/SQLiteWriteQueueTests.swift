//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Dispatch
import Foundation
import GRDB
import InMemoryTracing
import Strata
import StrataTestSupport
import Synchronization
import Testing
import Tracing

@testable import StrataSQLite

@Suite("group commit on the SQLite writer's queue", .timeLimit(.minutes(5)))
struct SQLiteWriteQueueTests {
    /// A store on a fresh file whose writer queue is held until `release` is signalled, with `body` run meanwhile.
    private static func withHeldWriter(
        maximumBatchSize: Int = 512,
        _ body: (SQLiteEventStore, DispatchSemaphore) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-queue-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = SQLiteEventStore.Configuration()
        configuration.maximumBatchSize = maximumBatchSize
        let store = try await SQLiteEventStore.open(path: folder.appendingPathComponent("events.sqlite").path, configuration: configuration)
        defer { try? store.close() }
        let release = DispatchSemaphore(value: 0)
        store.pool.asyncWriteWithoutTransaction { _ in release.wait() }
        try await body(store, release)
    }

    private static func event() -> NewEvent { NewEvent(type: "Queued", data: Data("{}".utf8)) }

    /// Starts an append and waits until it waits in the writer's line.
    private static func startAppend(
        to stream: StreamID, on store: SQLiteEventStore, _ append: @escaping @Sendable () async throws -> AppendResult
    ) async throws -> Task<AppendResult, any Error> {
        let before = store.commits.waitingCount
        let task = Task { try await append() }
        try await eventually("the append to \(stream) waits in line") { store.commits.waitingCount > before }
        return task
    }

    @Test("appends that wait together commit in one batch, traced as a child of the oldest, linked to the others")
    func waitingAppendsShareOneBatch() async throws {
        let tracer = InMemoryTracer()
        try await Self.withHeldWriter { store, release in
            var appends: [Task<AppendResult, any Error>] = []
            for n in 1...3 {
                let stream = StreamID(category: "queued", id: "\(n)")
                appends.append(
                    try await Self.startAppend(to: stream, on: store) {
                        try await withTracer(tracer) {
                            try await withSpan("request-\(n)") { _ in try await store.append([Self.event()], to: stream, expecting: .noStream) }
                        }
                    })
            }
            release.signal()
            let positions = try await appends.asyncMap { try await $0.value.position.value }
            #expect(positions == [1, 2, 3], "committed in the order they waited")
        }
        let batches = tracer.finishedSpans.filter { $0.operationName == "strata.group-commit" }
        let batch = try #require(batches.first)
        #expect(batches.count == 1)
        #expect(batch.attributes["db.operation.batch.size"]?.toSpanAttribute() == .int64(3))
        let appendSpans = tracer.finishedSpans.filter { $0.operationName == "strata.append" }
        let requests = Dictionary(
            uniqueKeysWithValues: tracer.finishedSpans.filter { $0.operationName.hasPrefix("request-") }.map { ($0.spanID, $0) })
        let oldest = try #require(appendSpans.first { requests[$0.parentSpanID ?? ""]?.operationName == "request-1" })
        #expect(batch.parentSpanID == oldest.spanID)
        let linked = Set(batch.links.compactMap { $0.context.inMemorySpanContext?.spanID })
        #expect(linked == Set(appendSpans.filter { $0.spanID != oldest.spanID }.map(\.spanID)))
    }

    @Test("after eight batches in a row the writer lets other work on the connection go first")
    func otherWorkIsNotStarved() async throws {
        try await Self.withHeldWriter(maximumBatchSize: 1) { store, release in
            var appends: [Task<AppendResult, any Error>] = []
            for n in 1...20 {
                let stream = StreamID(category: "queued", id: "\(n)")
                appends.append(
                    try await Self.startAppend(to: stream, on: store) { try await store.append([Self.event()], to: stream, expecting: .noStream) })
            }
            // Queued on the connection behind the held work and the writer's first turn.
            let seen = Mutex<Int?>(nil)
            store.pool.asyncWriteWithoutTransaction { db in
                let count = try? Int.fetchOne(db, sql: "SELECT count(*) FROM strata_events")
                seen.withLock { $0 = count }
            }
            release.signal()
            let count = try await eventually("the other work ran") { seen.withLock { $0 } }
            #expect(count == 8, "the other work ran after one turn of eight one-append batches")
            for append in appends { _ = try await append.value }
            #expect(try await store.readAll(from: .start, limit: 100).count == 20)
        }
    }

    @Test("a write whose task is cancelled while it waits still commits, and its caller gets the result")
    func cancelledWriterStillCommits() async throws {
        try await Self.withHeldWriter { store, release in
            let stream: StreamID = "queued-cancelled"
            let append = try await Self.startAppend(to: stream, on: store) {
                try await store.append([Self.event()], to: stream, expecting: .noStream)
            }
            append.cancel()
            release.signal()
            #expect(try await append.value.streamVersion == StreamVersion(0))
            #expect(try await store.readStream(stream).count == 1)
        }
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
