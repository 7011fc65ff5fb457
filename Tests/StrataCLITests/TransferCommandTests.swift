//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Strata
import StrataPostgres
import StrataSQLite
import StrataTestSupport
import Testing

@Suite("strata export and import: the log to a file and back, exactly", .timeLimit(.minutes(10)))
struct TransferCommandTests {
    /// Events of several kinds: data with its own spacing, data that is not JSON, metadata, a deleted stream and a
    /// truncated one.
    static func fill(_ path: String) async throws {
        let store = try await SQLiteEventStore.open(path: path)
        let metadata = EventMetadata(correlationID: "request-1", causationID: "command-1", custom: ["tenant": "a"])
        for n in 0..<4 {
            let data = Data("{\"n\" : \(n),   \"list\":[1,2]}".utf8)
            _ = try await store.append(
                [NewEvent(type: "Tested", data: data, metadata: metadata)], to: StreamID(category: "s", id: "\(n % 2)"), expecting: .any)
            _ = try await store.append([NewEvent(type: "Other", data: Data("{}".utf8))], to: StreamID(category: "t", id: "\(n)"), expecting: .any)
        }
        _ = try await store.append([NewEvent(type: "Other", data: Data("{}".utf8))], to: "t-0", expecting: .any)
        _ = try await store.deleteStream("t-1", expecting: .any)
        try await store.truncateStream("t-0", before: 1)
        // Process managers' state: a checkpoint, and scheduled commands pending, sent and cancelled.
        try await store.saveProcessCheckpoint("order-payment", position: 7)
        for (n, name) in ["pending", "sent", "cancelled"].enumerated() {
            let due = Date(timeIntervalSinceReferenceDate: 812_345_678.123_456 + Double(n))
            try await store.schedule(
                ScheduledCommand(
                    id: "command-\(n)", owner: "order-payment", processID: "order-\(n)", name: name, dueAt: due,
                    command: Data("{\"n\":\(n)}".utf8), metadata: EventMetadata(correlationID: "c-\(n)", custom: ["k": "v"])
                )
            )
        }
        try await store.completeScheduledCommand(id: "command-1")
        // Crypto-shredding: a subject's key, a forgotten subject, and the digest secret.
        _ = try await store.createSubjectKeys(["customer-ada": Data(repeating: 7, count: 32)])
        _ = try await store.forgetSubject("customer-bob")
        _ = try await store.digestSecret()
        _ = try await store.cancelScheduledCommands(owner: "order-payment", processID: "order-2", name: "cancelled")
        // The command side's state: snapshots (one not JSON) and command outcomes (one without a version).
        let takenAt = Date(timeIntervalSinceReferenceDate: 812_000_000.123_456)
        try await store.saveSnapshot(
            Snapshot(stream: "s-0", kind: "tally", version: 1, position: 3, schemaVersion: 2, data: Data([0, 255]), takenAt: takenAt))
        try await store.saveSnapshot(
            Snapshot(stream: "s-1", kind: "tally", version: 1, position: 5, schemaVersion: 1, data: Data("{}".utf8), takenAt: takenAt))
        for (n, version) in [StreamVersion(1), nil].enumerated() {
            let record = CommandOutcomeRecord(
                key: "key-\(n)", fingerprint: "print-\(n)", stream: StreamID(category: "s", id: "\(n)"), outcome: Data("{\"reply\":\(n)}".utf8),
                streamVersion: version,
                position: GlobalPosition(UInt64(3 + n)), recordedAt: takenAt.addingTimeInterval(Double(n)))
            _ = try await store.recordCommandOutcome(record, appending: nil, replacingOutcomesBefore: .distantPast)
        }
        try store.close()
        let database = try DatabaseQueue(path: path)
        try await database.write { db in try db.execute(sql: "UPDATE strata_events SET data = X'00FF' WHERE position = 4") }
        try database.close()
    }

    /// Every row of the event and stream tables, as text; without `times`, leaving out the events' recording times.
    static func rows(_ path: String, times: Bool = true) async throws -> [String] {
        let database = try DatabaseQueue(path: path)
        defer { try? database.close() }
        let columns =
            times
            ? "*"
            : "position, stream_id, stream_version, event_id, event_type, category, data, correlation_id, causation_id, metadata, schema_version"
        return try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT \(columns) FROM strata_events ORDER BY position").map(\.description)
                + Row.fetchAll(db, sql: "SELECT * FROM strata_streams ORDER BY stream_id").map(\.description)
                + Row.fetchAll(db, sql: "SELECT * FROM strata_process_checkpoints ORDER BY name").map(\.description)
                + Row.fetchAll(db, sql: "SELECT * FROM strata_scheduled_commands ORDER BY id").map(\.description)
                + Row.fetchAll(db, sql: "SELECT * FROM strata_snapshots ORDER BY kind, stream_id").map(\.description)
                + Row.fetchAll(db, sql: "SELECT * FROM strata_command_outcomes ORDER BY key").map(\.description)
        }
    }

    /// The subject keys and the secrets of a SQLite store, as text.
    static func keys(_ path: String) async throws -> [String] {
        let database = try DatabaseQueue(path: path)
        defer { try? database.close() }
        return try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM strata_subject_keys ORDER BY subject").map(\.description)
                + Row.fetchAll(db, sql: "SELECT name, secret FROM strata_secrets ORDER BY name").map(\.description)
        }
    }

    /// The events' recording times, in seconds since 1970.
    static func times(_ path: String) async throws -> [Double] {
        let database = try DatabaseQueue(path: path)
        defer { try? database.close() }
        return try await database.read { db in try Double.fetchAll(db, sql: "SELECT recorded_at FROM strata_events ORDER BY position") }
    }

    @Test("a SQLite store exported and imported into another is the same, row for row, data bytes and times included")
    func roundTrip() async throws {
        try await TestStore.with { store in
            try await Self.fill(store.path)
            let file = store.folder.appendingPathComponent("backup.jsonl.gz").path
            let export = try await store.run(["export", file])
            #expect(export.status == 0, "\(export.stderr)")
            let exported = try export.jsonObject()
            #expect(exported["events"] as? Int == 10)
            #expect(exported["streamRecords"] as? Int == 2)
            #expect(exported["processCheckpoints"] as? Int == 1)
            #expect(exported["scheduledCommands"] as? Int == 3)
            #expect(exported["snapshots"] as? Int == 2)
            #expect(exported["commandOutcomes"] as? Int == 2)

            let copy = store.folder.appendingPathComponent("copy.sqlite").path
            let imported = try await StrataProcess.run(["import", file, "--store", "sqlite:\(copy)"], in: store.folder)
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(try imported.jsonObject()["sha256"] as? String == exported["sha256"] as? String)
            #expect(try await Self.rows(copy) == (try await Self.rows(store.path)))
            #expect(try await Self.rows(copy).count == 20)

            // Run again, the import finds nothing left to write; on a partial import, it writes the rest.
            let again = try await StrataProcess.run(["import", file, "--store", "sqlite:\(copy)"], in: store.folder)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try await Self.rows(copy) == (try await Self.rows(store.path)))
            let partial = store.folder.appendingPathComponent("partial.sqlite").path
            let (source, target) = (try await SQLiteEventStore.open(path: store.path), try await SQLiteEventStore.open(path: partial))
            try await target.importEvents(try await source.readAll(from: .start, limit: 4, filter: .all))
            try source.close()
            try target.close()
            let resumed = try await StrataProcess.run(["import", file, "--store", "sqlite:\(partial)"], in: store.folder)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(try await Self.rows(partial) == (try await Self.rows(store.path)))

            // A store with other events is refused, and keeps them.
            let other = store.folder.appendingPathComponent("other.sqlite").path
            let unrelated = try await SQLiteEventStore.open(path: other)
            _ = try await unrelated.append([NewEvent(type: "Other", data: Data("{}".utf8))], to: "x-1", expecting: .any)
            try unrelated.close()
            let refused = try await StrataProcess.run(["import", file, "--store", "sqlite:\(other)"], in: store.folder)
            #expect(refused.status == 1)
            #expect(
                refused.stderr.contains(
                    "the store holds other events (its head is 1): import into an empty store, or into a partial import of this file"),
                "\(refused.stderr)")
            #expect(try await Self.rows(other).count == 1)
        }
    }

    @Test("an export from SQLite imports into PostgreSQL and back, and verify finds the same log", .enabled(if: TestPostgres.isAvailable))
    func acrossBackends() async throws {
        try await TestStore.with { store in
            try await Self.fill(store.path)
            // verify's checks include data that is JSON.
            let database = try DatabaseQueue(path: store.path)
            try await database.write { db in try db.execute(sql: "UPDATE strata_events SET data = CAST('{\"b\":1}' AS BLOB) WHERE position = 4") }
            try database.close()
            let file = store.folder.appendingPathComponent("backup.jsonl.gz").path
            #expect(try await store.run(["export", file]).status == 0)

            let schema = uniqueSchema("transfer")
            defer { Task { try? await TestPostgres.dropSchema(schema) } }
            let postgres = "\(TestPostgres.url!)&schema=\(schema)"
            let imported = try await StrataProcess.run(["import", file, "--store", postgres], in: store.folder)
            #expect(imported.status == 0, "\(imported.stderr)")
            let verified = try await StrataProcess.run(["verify", "--store", postgres, "--against", store.url], in: store.folder)
            #expect(verified.status == 0, "\(verified.stdout)")
            let records = try await TestPostgres.makeStore(schema: schema).streamRecords(after: nil, limit: 10)
            #expect(records.map(\.stream.rawValue) == ["t-0", "t-1"])
            #expect(records.map(\.isDeleted) == [false, true])

            let back = store.folder.appendingPathComponent("back.jsonl.gz").path
            #expect(try await StrataProcess.run(["export", back, "--store", postgres], in: store.folder).status == 0)
            let copy = store.folder.appendingPathComponent("copy.sqlite").path
            #expect(try await StrataProcess.run(["import", back, "--store", "sqlite:\(copy)"], in: store.folder).status == 0)
            #expect(try await Self.rows(copy, times: false) == (try await Self.rows(store.path, times: false)))
            // PostgreSQL keeps times to the microsecond.
            let (times, original) = (try await Self.times(copy), try await Self.times(store.path))
            #expect(times.count == original.count)
            #expect(zip(times, original).allSatisfy { abs($0 - $1) < 0.000_001_5 }, "\(times) \(original)")
        }
    }

    @Test("a damaged, cut-off or altered file is refused before anything is written")
    func damagedFiles() async throws {
        try await TestStore.with { store in
            try await Self.fill(store.path)
            let file = store.folder.appendingPathComponent("backup.jsonl.gz")
            #expect(try await store.run(["export", file.path]).status == 0)
            let compressed = try Data(contentsOf: file)
            let lines = try await StrataProcess.run(["events", "read", "--all", "--store", store.url], in: store.folder)
            #expect(lines.status == 0)

            var flipped = compressed
            flipped[flipped.count / 2] ^= 0xFF
            let cut = compressed.prefix(compressed.count / 2)
            for (name, damaged) in [("flipped.gz", flipped), ("cut.gz", Data(cut)), ("empty.gz", Data())] {
                let path = store.folder.appendingPathComponent(name).path
                try damaged.write(to: URL(fileURLWithPath: path))
                let target = store.folder.appendingPathComponent("target-\(name).sqlite").path
                let result = try await StrataProcess.run(["import", path, "--store", "sqlite:\(target)"], in: store.folder)
                #expect(result.status == 1, "\(name)")
                #expect(!FileManager.default.fileExists(atPath: target), "\(name): nothing is written, not even the store")
            }

            // The same lines, one digit changed and compressed again: only the checksum tells.
            let gunzip = Process()
            gunzip.executableURL = URL(fileURLWithPath: "/bin/sh")
            let altered = store.folder.appendingPathComponent("altered.gz").path
            gunzip.arguments = ["-c", "gzip -dc '\(file.path)' | sed 's/\"n\" : 2/\"n\" : 3/' | gzip -c > '\(altered)'"]
            try gunzip.run()
            gunzip.waitUntilExit()
            let result = try await StrataProcess.run(["import", altered, "--store", "sqlite:\(store.folder.path)/altered.sqlite"], in: store.folder)
            #expect(result.status == 1)
            #expect(result.stderr.contains("is damaged: its lines do not match the counts and checksum of its trailer"))
        }
    }

    @Test("export refuses to replace a file unless forced, and to read a store that does not exist")
    func exportRefusals() async throws {
        try await TestStore.with { store in
            let file = store.folder.appendingPathComponent("backup.jsonl.gz").path
            let missing = try await store.run(["export", file])
            #expect(missing.status == 1)
            #expect(!FileManager.default.fileExists(atPath: file))
            try await Self.fill(store.path)
            #expect(try await store.run(["export", file]).status == 0)
            let again = try await store.run(["export", file])
            #expect(again.status == 1)
            #expect(again.stderr.contains("exists: pass --force to replace it"))
            #expect(try await store.run(["export", file, "--force"]).status == 0)
            #expect(!FileManager.default.fileExists(atPath: file + ".partial"))
        }
    }

    @Test("copy takes a log into an empty store exactly, continues a partial copy, and refuses a store with other events")
    func copy() async throws {
        try await TestStore.with { store in
            try await Self.fill(store.path)
            // A copy cut off after three events: the target holds the source's first three.
            let partial = store.folder.appendingPathComponent("partial.sqlite").path
            let source = try await SQLiteEventStore.open(path: store.path)
            let target = try await SQLiteEventStore.open(path: partial)
            try await target.importEvents(try await source.readAll(from: .start, limit: 3))
            try source.close()
            try target.close()

            let resumed = try await StrataProcess.run(["copy", "--from", store.url, "--to", "sqlite:\(partial)"], in: store.folder)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            let summary = try resumed.jsonObject()
            #expect(summary["resumedAfter"] as? Int == 3)
            #expect(summary["copied"] as? Int == 7)
            #expect(summary["scheduledCommands"] as? Int == 3)
            #expect(summary["subjectKeys"] as? Int == 2)
            #expect(try await Self.rows(partial) == (try await Self.rows(store.path)))
            #expect(try await Self.keys(partial) == (try await Self.keys(store.path)))
            #expect(try await Self.keys(partial).count == 3)

            // Run again after the source grew: only the new events are copied.
            let grown = try await SQLiteEventStore.open(path: store.path)
            _ = try await grown.append([NewEvent(type: "Later", data: Data("{}".utf8))], to: "s-9", expecting: .noStream)
            try grown.close()
            let again = try await StrataProcess.run(["copy", "--from", store.url, "--to", "sqlite:\(partial)"], in: store.folder)
            #expect(try again.jsonObject()["copied"] as? Int == 1)
            #expect(try await Self.rows(partial) == (try await Self.rows(store.path)))

            // A store with events of its own is no partial copy of this source.
            let other = store.folder.appendingPathComponent("other.sqlite").path
            let unrelated = try await SQLiteEventStore.open(path: other)
            _ = try await unrelated.append([NewEvent(type: "Mine", data: Data("{}".utf8))], to: "x-1", expecting: .noStream)
            try unrelated.close()
            let refused = try await StrataProcess.run(["copy", "--from", store.url, "--to", "sqlite:\(other)"], in: store.folder)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("the target holds other events (its head is 1)"))
            #expect(try await StrataProcess.run(["copy", "--from", store.url, "--to", store.url], in: store.folder).status == 1)
        }
    }

    @Test("copy takes a SQLite log into PostgreSQL, where verify finds the same log", .enabled(if: TestPostgres.isAvailable))
    func copyToPostgres() async throws {
        try await TestStore.with { store in
            try await Self.fill(store.path)
            let database = try DatabaseQueue(path: store.path)
            try await database.write { db in try db.execute(sql: "UPDATE strata_events SET data = CAST('{\"b\":1}' AS BLOB) WHERE position = 4") }
            try database.close()
            let schema = uniqueSchema("copy")
            defer { Task { try? await TestPostgres.dropSchema(schema) } }
            let postgres = "\(TestPostgres.url!)&schema=\(schema)"
            let copied = try await StrataProcess.run(["copy", "--from", store.url, "--to", postgres], in: store.folder)
            #expect(copied.status == 0, "\(copied.stderr)")
            #expect(try copied.jsonObject()["copied"] as? Int == 10)
            #expect(try copied.jsonObject()["snapshots"] as? Int == 2)
            #expect(try copied.jsonObject()["commandOutcomes"] as? Int == 2)
            let verified = try await StrataProcess.run(["verify", "--store", postgres, "--against", store.url], in: store.folder)
            #expect(verified.status == 0, "\(verified.stdout)")
            let copy = try await TestPostgres.makeStore(schema: schema)
            #expect(try await copy.processCheckpoints() == ["order-payment": GlobalPosition(7)])
            #expect(try await copy.scheduledCommands(after: nil, limit: 10).map(\.status) == [.pending, .completed, .cancelled])
            let original = try await SQLiteEventStore.open(path: store.path)
            defer { try? original.close() }
            // PostgreSQL keeps times to the microsecond.
            let keys = try await copy.subjectKeyRecords(after: nil, limit: 10)
            let originalKeys = try await original.subjectKeyRecords(after: nil, limit: 10)
            let described: ([SubjectKeyRecord]) -> [String] = { $0.map { "\($0.subject) \($0.key?.base64EncodedString() ?? "forgotten")" } }
            #expect(described(keys) == described(originalKeys))
            #expect(zip(keys, originalKeys).allSatisfy { abs($0.createdAt.timeIntervalSince($1.createdAt)) < 0.000_001_5 })
            #expect(try await copy.subjectKeys(for: ["customer-bob"]) == ["customer-bob": .forgotten], "a forgotten subject stays forgotten")
            #expect(try await copy.digestSecret() == (try await original.digestSecret()))
            #expect(try await copy.snapshots(after: nil, limit: 10) == (try await original.snapshots(after: nil, limit: 10)))
            #expect(try await copy.commandOutcomes(after: nil, limit: 10) == (try await original.commandOutcomes(after: nil, limit: 10)))
            // A command retried with its key against the copy gets its first outcome.
            #expect(try await copy.commandOutcome(forKey: "key-0", recordedSince: .distantPast)?.outcome == Data("{\"reply\":0}".utf8))
        }
    }
}
