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
private func withTemporaryPath(_ body: (String) async throws -> Void) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-sqlite-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try await body(folder.appendingPathComponent("events.sqlite").path)
}

private func event(_ n: Int = 0) -> NewEvent {
    NewEvent(type: "Tested", data: Data(#"{"n":\#(n)}"#.utf8))
}

@Suite("SQLite event store", .timeLimit(.minutes(5)))
struct SQLiteEventStoreTests {
    @Test("commits are fully synchronous by default, and the level is configurable")
    func durability() async throws {
        try await withTemporaryPath { path in
            let store = try await SQLiteEventStore.open(path: path)
            #expect(store.configuration.durability == .full)
            #expect(try await store.effectiveDurability() == .full)
            try store.close()

            var configuration = SQLiteEventStore.Configuration()
            configuration.durability = .normal
            let relaxed = try await SQLiteEventStore.open(path: path, configuration: configuration)
            #expect(try await relaxed.effectiveDurability() == .normal)
            try relaxed.close()
        }
    }

    @Test("opening an existing store again keeps its events and schema")
    func reopenIsIdempotent() async throws {
        try await withTemporaryPath { path in
            let first = try await SQLiteEventStore.open(path: path)
            _ = try await first.append([event(1)], to: "order-1", expecting: .noStream)
            let second = try await SQLiteEventStore.open(path: path)
            #expect(try await second.readStream("order-1").count == 1)
            try first.close()
            try second.close()
        }
    }

    @Test("two stores on one file (as two processes) keep the version check and see each other's events")
    func twoWritersOneFile() async throws {
        try await withTemporaryPath { path in
            var configuration = SQLiteEventStore.Configuration()
            configuration.pollInterval = .milliseconds(20)
            let left = try await SQLiteEventStore.open(path: path, configuration: configuration)
            let right = try await SQLiteEventStore.open(path: path, configuration: configuration)
            _ = try await left.append([event()], to: "order-1", expecting: .noStream)

            let outcomes = await withTaskGroup(of: (any Error)?.self) { group in
                for n in 0..<20 {
                    let store = n.isMultiple(of: 2) ? left : right
                    group.addTask {
                        do {
                            _ = try await store.append([event(n)], to: "order-1", expecting: .exactly(0))
                            return nil
                        } catch {
                            return error
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let failures = outcomes.compactMap { $0 }
            #expect(outcomes.count - failures.count == 1)
            // Every other writer lost the race to a version conflict: a busy database must not pass for one.
            #expect(failures.allSatisfy { ($0 as? WrongExpectedVersion)?.actual == 1 }, "\(failures)")

            // The right store's subscription learns of the left store's appends by polling.
            let seen = try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask {
                    var count = 0
                    for try await _ in right.subscribeToAll(from: .start, filter: .category("late")) {
                        count += 1
                        if count == 3 { break }
                    }
                    return count
                }
                group.addTask {
                    for n in 0..<3 {
                        _ = try await left.append([event(n)], to: StreamID(category: "late", id: "\(n)"), expecting: .noStream)
                    }
                    try await Task.sleep(for: .seconds(10))  // the test's deadline
                    return -1
                }
                let first = try await group.next()
                group.cancelAll()
                return first
            }
            #expect(seen == 3)
            try left.close()
            try right.close()
        }
    }

    @Test("a corrupt row is a typed error naming its position, not a crash")
    func corruptRow() async throws {
        try await withTemporaryPath { path in
            let store = try await SQLiteEventStore.open(path: path)
            _ = try await store.append([event(1), event(2)], to: "order-1", expecting: .noStream)
            try store.close()
            try corrupt(path, sql: "UPDATE strata_events SET event_id = 'not-a-uuid' WHERE position = 2")

            let reopened = try await SQLiteEventStore.open(path: path)
            let error = await #expect(throws: EventStoreError.self) { try await reopened.readStream("order-1") }
            #expect(error?.code == .corruptEvent)
            #expect(error?.message.contains("position 2") == true)
            #expect(try await reopened.readAll(from: .start, limit: 1).count == 1, "rows before the corrupt one still read")
            try reopened.close()
        }
    }

    @Test("a closed store reports a storage error on every call")
    func closedStore() async throws {
        try await withTemporaryPath { path in
            let store = try await SQLiteEventStore.open(path: path)
            try store.close()
            let appendError = await #expect(throws: EventStoreError.self) { try await store.append([event()], to: "order-1", expecting: .any) }
            #expect(appendError?.code == .storage)
            let readError = await #expect(throws: EventStoreError.self) { try await store.readAll(from: .start, limit: 10) }
            #expect(readError?.code == .storage)
        }
    }

    @Test("a file that is not a database is a storage error when opened")
    func notADatabase() async throws {
        try await withTemporaryPath { path in
            try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: path))
            let error = await #expect(throws: EventStoreError.self) { try await SQLiteEventStore.open(path: path) }
            #expect(error?.code == .storage)
        }
    }
}

/// Changes the database behind the store's back, as a faulty tool or disk would.
private func corrupt(_ path: String, sql: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["sqlite3", path, sql]
    try process.run()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "sqlite3 failed")
}

@Suite("SQLite files keep their contents to their owner", .timeLimit(.minutes(5)))
struct SQLiteFilePrivacyTests {
    @Test("a new database and its WAL are created readable by their owner only (0600)")
    func fileModes() async throws {
        try await withTemporaryPath { path in
            let previous = umask(0)  // The widest umask: the mode must come from Strata, not from the process.
            defer { umask(previous) }
            let store = try await SQLiteEventStore.open(path: path)
            _ = try await store.append([event()], to: StreamID("mode-1"), expecting: .any)
            for file in [path, path + "-wal"] {
                let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
                #expect(mode == 0o600, "\(file): \(String(mode ?? 0, radix: 8))")
            }
            try store.close()
        }
    }

    @Test("stores in a folder that does not exist yet create it, for their owner only (0700)")
    func missingFolders() async throws {
        try await withTemporaryPath { path in
            let root = URL(fileURLWithPath: path).deletingLastPathComponent()
            let events = root.appendingPathComponent("data/events/events.sqlite").path
            let store = try await SQLiteEventStore.open(path: events)
            _ = try await store.append([event()], to: StreamID("folder-1"), expecting: .any)
            try store.close()
            let reads = root.appendingPathComponent("views/read.sqlite").path
            try await SQLiteReadStore.open(path: reads).close()
            for file in [events, reads] {
                let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
                let mode = try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int
                #expect(mode == 0o700, "\(folder): \(String(mode ?? 0, radix: 8))")
            }
            let reopened = try await SQLiteEventStore.open(path: events)
            #expect(try await reopened.headPosition() == 1)
            try reopened.close()
        }
    }

    @Test("a forgotten subject's key leaves no bytes behind in the database file (secure_delete)")
    func forgottenKeyBytesAreOverwritten() async throws {
        try await withTemporaryPath { path in
            let key = Data((0..<32).map { UInt8(0xA0 + $0 % 16) ^ 0x5C })
            let store = try await SQLiteEventStore.open(path: path)
            // Neighbours on the same page: the forgotten row's bytes are freed space among live rows.
            var keys = Dictionary(
                uniqueKeysWithValues: (0..<20).map { index in ("subject-neighbour-\(index)", Data(repeating: UInt8(index), count: 32)) })
            keys["subject-1"] = key
            _ = try await store.createSubjectKeys(keys)
            // Checkpoint, so that the key is in the database file itself before it is forgotten.
            try store.close()
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)).range(of: key) != nil, "the key was never written: the test proves nothing")
            let reopened = try await SQLiteEventStore.open(path: path)
            try await reopened.forgetSubject("subject-1")
            try reopened.close()
            // The smaller row that replaces the key's overwrites part of it in place; any 8 bytes left are too many.
            let file = try Data(contentsOf: URL(fileURLWithPath: path))
            for start in 0...(key.count - 8) {
                #expect(file.range(of: key[start..<start + 8]) == nil, "key bytes \(start)..<\(start + 8) are still in the file")
            }
        }
    }
}
