//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataSQLite
import Testing

/// A temporary folder for one test's database files, removed afterwards.
private func withTemporaryFolder(_ body: (URL) async throws -> Void) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-sqlite-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try await body(folder)
}

private func event(_ n: Int = 0) -> NewEvent {
    NewEvent(type: "Tested", data: Data(#"{"n":\#(n)}"#.utf8))
}

@Suite("SQLite command-side storage", .timeLimit(.minutes(5)))
struct SQLiteCommandSideTests {
    @Test("keyed commands, deletions and plain appends committed together each keep their own outcome")
    func mixedBatches() async throws {
        try await withTemporaryFolder { folder in
            let store = try await SQLiteEventStore.open(path: folder.appendingPathComponent("events.sqlite").path)
            let taken: StreamID = "order-taken"
            let doomed: StreamID = "order-doomed"
            _ = try await store.append([event()], to: taken, expecting: .noStream)
            _ = try await store.append([event()], to: doomed, expecting: .noStream)
            let past = Date(timeIntervalSinceNow: -3600)

            // Enough concurrent writes that group commit puts several kinds in one transaction; every failing one
            // must be rolled back alone.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<48 {
                    group.addTask {
                        switch n % 4 {
                        case 0:
                            _ = try await store.append([event(n)], to: StreamID(category: "order", id: "\(n)"), expecting: .noStream)
                        case 1:
                            let stream = StreamID(category: "order", id: "\(n)")
                            let record = CommandOutcomeRecord(
                                key: "ok-\(n)", fingerprint: "f", stream: stream, outcome: Data("{}".utf8),
                                streamVersion: nil, position: .start, recordedAt: Date()
                            )
                            let recording = try await store.recordCommandOutcome(
                                record,
                                appending: PendingAppend(events: [event(n)], stream: stream, expected: .noStream),
                                replacingOutcomesBefore: past
                            )
                            if case .alreadyRecorded = recording { Issue.record("a fresh key found an outcome") }
                        case 2:
                            let record = CommandOutcomeRecord(
                                key: "conflict-\(n)", fingerprint: "f", stream: taken, outcome: Data("{}".utf8),
                                streamVersion: nil, position: .start, recordedAt: Date()
                            )
                            await #expect(throws: WrongExpectedVersion.self) {
                                try await store.recordCommandOutcome(
                                    record,
                                    appending: PendingAppend(events: [event(n)], stream: taken, expected: .noStream),
                                    replacingOutcomesBefore: past
                                )
                            }
                        default:
                            // One of these deletes the stream; the others find it deleted.
                            do {
                                try await store.deleteStream(doomed, expecting: .any)
                            } catch let error as EventStoreError {
                                #expect(error.code == .streamDeleted)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }

            let log = try await store.readAll(from: .start, limit: 1000)
            let positions: [UInt64] = log.map(\.position.value)
            #expect(positions == Array(1...UInt64(log.count)), "positions stay dense")
            let expectedCount = 2 + 12 + 12 + 1
            #expect(log.count == expectedCount, "plain appends, keyed appends and one deletion")
            #expect(log.filter { $0.type == StreamLifecycle.deletedEventType }.map(\.stream) == [doomed])
            #expect(try await store.readStream(taken).count == 1)
            for n in stride(from: 1, to: 48, by: 4) {
                let outcome = try #require(try await store.commandOutcome(forKey: "ok-\(n)", recordedSince: past))
                #expect(outcome.streamVersion == 0)
                #expect(log.first { $0.position == outcome.position }?.stream == StreamID(category: "order", id: "\(n)"))
            }
            for n in stride(from: 2, to: 48, by: 4) {
                #expect(try await store.commandOutcome(forKey: "conflict-\(n)", recordedSince: past) == nil)
            }
            try store.close()
        }
    }

    @Test("rows written by hand at the edges of SQLite's integers make appends fail with a typed error, not a trap")
    func handWrittenEdgeRows() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("events.sqlite").path
            try await SQLiteEventStore.open(path: path).close()
            // A stream already at the largest version SQLite can store, and, in a second file, a log whose only
            // position is negative, so that SQLite numbers the next row below 1.
            try sqlite(
                path,
                """
                INSERT INTO strata_events (position, stream_id, stream_version, event_id, event_type, category, data, recorded_at)
                VALUES (1, 'order-top', 9223372036854775807, '\(UUID().uuidString)', 'Tested', 'order', X'7B7D', 1700000000);
                """
            )
            let store = try await SQLiteEventStore.open(path: path)
            let full = await #expect(throws: EventStoreError.self) {
                try await store.append([event()], to: "order-top", expecting: .any)
            }
            #expect(full?.code == .invalidArgument)
            #expect(try await store.append([event()], to: "order-other", expecting: .noStream).position == 2, "the store goes on")
            try store.close()

            let negative = folder.appendingPathComponent("negative.sqlite").path
            try await SQLiteEventStore.open(path: negative).close()
            try sqlite(
                negative,
                """
                INSERT INTO strata_events (position, stream_id, stream_version, event_id, event_type, category, data, recorded_at)
                VALUES (-5, 'order-1', 0, '\(UUID().uuidString)', 'Tested', 'order', X'7B7D', 1700000000);
                """
            )
            let odd = try await SQLiteEventStore.open(path: negative)
            let corrupt = await #expect(throws: EventStoreError.self) {
                try await odd.append([event()], to: "order-2", expecting: .noStream)
            }
            #expect(corrupt?.code == .corruptEvent)
            #expect(try await odd.currentVersion(of: "order-2") == nil, "the refused append left nothing behind")
            #expect(try await odd.headPosition() == .start, "a negative head reads as the start")
            try odd.close()
        }
    }

    @Test("a store made before the command-side tables is upgraded in place, its events at schema version 1")
    func upgradeFromFirstSchema() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("events.sqlite").path
            // The first released schema, as GRDB's migrator left it, with one event.
            try sqlite(
                path,
                """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('strata-events-v1');
                CREATE TABLE strata_events (
                    position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, stream_version INTEGER NOT NULL,
                    event_id TEXT NOT NULL, event_type TEXT NOT NULL, category TEXT NOT NULL, data BLOB NOT NULL,
                    correlation_id TEXT, causation_id TEXT, metadata BLOB, recorded_at REAL NOT NULL
                );
                CREATE UNIQUE INDEX strata_events_stream ON strata_events (stream_id, stream_version);
                CREATE UNIQUE INDEX strata_events_event_id ON strata_events (event_id);
                CREATE INDEX strata_events_category ON strata_events (category, position);
                CREATE INDEX strata_events_type ON strata_events (event_type, position);
                INSERT INTO strata_events VALUES
                    (1, 'order-1', 0, '\(UUID().uuidString)', 'OrderPlaced', 'order', X'7B7D', NULL, NULL, NULL, 1700000000);
                """
            )
            let store = try await SQLiteEventStore.open(path: path)
            #expect(try await store.readStream("order-1").map(\.schemaVersion) == [1])
            var shaped = event(2)
            shaped.schemaVersion = 2
            _ = try await store.append([shaped], to: "order-1", expecting: .exactly(0))
            #expect(try await store.readStream("order-1").map(\.schemaVersion) == [1, 2])
            try await store.truncateStream("order-1", before: 1)
            #expect(try await store.readStream("order-1").map(\.version) == [1])
            try await store.deleteStream("order-1", expecting: .exactly(1))
            #expect(try await store.currentVersion(of: "order-1") == nil)
            try store.close()
        }
    }

    @Test("an empty snapshot, outcome or command is stored as empty, not as missing")
    func emptyBlobs() async throws {
        try await withTemporaryFolder { folder in
            let store = try await SQLiteEventStore.open(path: folder.appendingPathComponent("events.sqlite").path)
            try await store.saveSnapshot(Snapshot(stream: "order-1", kind: "order", version: 0, position: 1, schemaVersion: 1, data: Data()))
            #expect(try await store.snapshot(of: "order-1", kind: "order")?.data == Data())
            let record = CommandOutcomeRecord(
                key: "k", fingerprint: "f", stream: "order-1", outcome: Data(), streamVersion: nil, position: .start, recordedAt: Date()
            )
            _ = try await store.recordCommandOutcome(record, appending: nil, replacingOutcomesBefore: .distantPast)
            #expect(try await store.commandOutcome(forKey: "k", recordedSince: .distantPast)?.outcome == Data())
            let command = ScheduledCommand(
                id: "c", owner: "o", processID: "p", name: "n", dueAt: Date(timeIntervalSinceNow: -1), command: Data(), metadata: EventMetadata()
            )
            try await store.schedule(command)
            #expect(try await store.dueScheduledCommands(owner: "o", dueBy: Date(), limit: 1) == [command])
            try store.close()
        }
    }
}

/// Runs SQL on a database file with the sqlite3 tool, as an older release or an operator would.
private func sqlite(_ path: String, _ sql: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["sqlite3", path, sql]
    try process.run()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "sqlite3 failed")
}
