//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataSQLite
import Synchronization
import Testing

/// Records the schema version of each event it applies, and fails while told to.
private final class ShapeRecorder: Projection {
    let name = "shapes"
    let failing = Atomic(true)
    let seen = Mutex<[Int]>([])

    var failurePolicy: ProjectionFailurePolicy? {
        ProjectionFailurePolicy(retry: RetryPolicy(maximumAttempts: 1, initialDelay: .zero), action: .park)
    }

    func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws {
        if failing.load(ordering: .relaxed) { throw ShapeFault() }
        seen.withLock { $0.append(event.schemaVersion) }
    }
}

private struct ShapeFault: Error {}

@Suite("SQLite parked events", .timeLimit(.minutes(5)))
struct SQLiteParkedEventTests {
    @Test("a parked event keeps its schema version, also across reopening")
    func parkedSchemaVersionRoundTrip() async throws {
        let folder = try SQLiteReadStoreBackend.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("read.sqlite").path
        let event = RecordedEvent(
            id: UUID(), stream: "shape-1", version: 0, position: 7, type: "Shaped", data: Data("{}".utf8),
            metadata: EventMetadata(), recordedAt: Date(), schemaVersion: 3
        )
        let store = try await SQLiteReadStore.open(path: path)
        try await store.withTransaction { tx in
            try await tx.park(ParkedEvent(projection: "shapes", generation: 1, event: event, error: "boom", attempts: 1))
        }
        #expect(try await store.withReader { try await $0.parkedEvents(projection: "shapes", generation: 1) }.map(\.event.schemaVersion) == [3])
        try store.close()

        let reopened = try await SQLiteReadStore.open(path: path)
        let parked = try await reopened.withReader { try await $0.parkedEvent(projection: "shapes", generation: 1, position: 7) }
        #expect(parked?.event.schemaVersion == 3)
        try reopened.close()
    }

    @Test("a replayed parked event is applied with the schema version it was stored with")
    func replayKeepsSchemaVersion() async throws {
        let folder = try SQLiteReadStoreBackend.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let events = try await SQLiteEventStore.open(path: folder.appendingPathComponent("events.sqlite").path)
        let readStore = try await SQLiteReadStore.open(path: folder.appendingPathComponent("read.sqlite").path)
        var shaped = NewEvent(type: "Shaped", data: Data("{}".utf8))
        shaped.schemaVersion = 3
        let head = try await events.append([shaped], to: "shape-1", expecting: .noStream)

        let projection = ShapeRecorder()
        let runner = ProjectionRunner(store: events, readStore: readStore, projections: [projection])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await runner.run() }
            defer { group.cancelAll() }
            try await runner.progress.wait(for: ["shapes"], through: head.position, timeout: .seconds(10))
            #expect(try await runner.parkedEvents(of: "shapes").map(\.event.schemaVersion) == [3])

            projection.failing.store(false, ordering: .relaxed)
            let replay = try await runner.replayParked("shapes")
            #expect(replay.replayed == 1 && replay.stillParked == 0)
            #expect(projection.seen.withLock { $0 } == [3])
            group.cancelAll()
        }
        try readStore.close()
        try events.close()
    }
}
