//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Strata
import StrataSQLite
import StrataTestSupport
import Testing

@testable import StrataCommandLine

@Suite("strata verify checks a store's invariants and compares two logs", .timeLimit(.minutes(10)))
struct VerifyCommandTests {
    /// Appends a few events to a few streams, deletes one and truncates another.
    static func fill(_ store: any EventStore, streams: Int = 3) async throws {
        for n in 0..<streams {
            for version in 0...n {
                _ = try await store.append(
                    [NewEvent(type: "Tested", data: Data("{\"v\":\(version)}".utf8))], to: StreamID(category: "s", id: "\(n)"), expecting: .any)
            }
        }
        _ = try await store.deleteStream("s-0", expecting: .any)
        try await store.truncateStream("s-2", before: 1)
    }

    @Test("a sound store passes every check, in text and JSON, and exits 0")
    func sound() async throws {
        try await TestStore.with { store in
            let events = try await SQLiteEventStore.open(path: store.path)
            try await Self.fill(events)
            try events.close()

            let text = try await store.run(["verify"])
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.hasPrefix("VERIFY  \(store.url)\n"))
            #expect(text.stdout.contains("ok    \(IntegrityCheckName.gapFreePositions)\n"))
            #expect(text.stdout.hasSuffix("7 events read; all 8 checks hold\n"))
            #expect(!text.stdout.contains("FAIL"))

            let json = try await store.run(["verify", "--json"]).jsonObject()
            #expect(json["holds"] as? Bool == true)
            #expect(json["events"] as? Int == 7)
            let checks = try #require(json["checks"] as? [[String: Any]])
            #expect(checks.count == 8)
            #expect(checks.allSatisfy { $0["violations"] as? Int == 0 && ($0["examples"] as? [Any])?.isEmpty == true })
        }
    }

    @Test("damage is reported by the checks it breaks, with examples, and exits 1")
    func damaged() async throws {
        try await TestStore.with { store in
            let events = try await SQLiteEventStore.open(path: store.path)
            try await Self.fill(events)
            try events.close()
            let database = try DatabaseQueue(path: store.path)
            try await database.write { db in
                try db.execute(sql: "DELETE FROM strata_events WHERE position = 2")
                try db.execute(sql: "UPDATE strata_events SET data = CAST('{not json' AS BLOB) WHERE position = 5")
            }
            try database.close()

            let result = try await store.run(["verify", "--examples", "1"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("error: the store breaks 4 of 8 checks"))
            #expect(result.stdout.contains("FAIL  \(IntegrityCheckName.gapFreePositions): 1\n        position 2 is missing\n"))
            #expect(result.stdout.contains("FAIL  \(IntegrityCheckName.contiguousVersions): 1\n        stream s-1: 1 events, versions 1…1\n"))
            #expect(result.stdout.contains("FAIL  \(IntegrityCheckName.readsInOrder): 1\n        position 2 is missing\n"))
            #expect(result.stdout.contains("FAIL  \(IntegrityCheckName.jsonData): 1\n        event "))
            #expect(result.stdout.hasSuffix("6 events read; 4 of 8 checks fail\n"))
        }
    }

    @Test("--against compares two logs event by event: a copy holds the same log, a longer or altered one does not")
    func against() async throws {
        try await TestStore.with { store in
            let events = try await SQLiteEventStore.open(path: store.path)
            try await Self.fill(events)
            try events.close()
            let copy = store.folder.appendingPathComponent("copy.sqlite").path
            try FileManager.default.copyItem(atPath: store.path, toPath: copy)

            let same = try await store.run(["verify", "--against", "sqlite:\(copy)"])
            #expect(same.status == 0, "\(same.stderr)")
            #expect(same.stdout.contains("ok    \(IntegrityCheckName.sameLog)\n"))

            let longer = try await SQLiteEventStore.open(path: copy)
            _ = try await longer.append([NewEvent(type: "Tested", data: Data("{}".utf8))], to: "s-9", expecting: .noStream)
            try longer.close()
            let database = try DatabaseQueue(path: copy)
            try await database.write { db in try db.execute(sql: "UPDATE strata_events SET data = CAST('{\"v\":9}' AS BLOB) WHERE position = 2") }
            try database.close()

            let different = try await store.run(["verify", "--against", "sqlite:\(copy)"])
            #expect(different.status == 1)
            #expect(
                different.stdout.contains(
                    "FAIL  \(IntegrityCheckName.sameLog): 3\n        the heads differ: 7 and 8\n"
                        + "        position 2 (s-1 version 0): data differ\n        only the other store has position 8\n"
                )
            )
        }
    }

    @Test("a store that does not exist is not created, and bad options are refused")
    func refusals() async throws {
        try await TestStore.with { store in
            let missing = try await store.run(["verify"])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("there is no SQLite event store at \(store.path)"))
            #expect(!FileManager.default.fileExists(atPath: store.path))
            for examples in ["-1", "10001", "many"] {
                #expect(try await store.run(["verify", "--examples", examples]).status == 1, "--examples \(examples)")
            }
            #expect(try await store.run(["verify", "--against", "mysql://x"]).status == 1)
        }
    }

    @Test("a PostgreSQL store is checked in the database, and compared with a SQLite copy of its log", .enabled(if: TestPostgres.isAvailable))
    func postgres() async throws {
        try await TestStore.with { store in
            let postgres = try await TestPostgres.makeStore()
            defer { Task { try? await TestPostgres.dropSchema(postgres.configuration.schema) } }
            try await Self.fill(postgres)
            let sqlite = try await SQLiteEventStore.open(path: store.path)
            try await Self.fill(sqlite)
            try sqlite.close()
            let url = "\(TestPostgres.url!)&schema=\(postgres.configuration.schema)"

            let result = try await StrataProcess.run(["verify", "--store", url, "--json"], in: store.folder)
            #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
            let checks = try #require(try result.jsonObject()["checks"] as? [[String: Any]])
            #expect(checks.contains { $0["name"] as? String == IntegrityCheckName.head })

            // The same writes, in the same order, differ only in ids and times.
            let compared = try await StrataProcess.run(["verify", "--store", url, "--against", store.url, "--examples", "1"], in: store.folder)
            #expect(compared.status == 1)
            #expect(
                compared.stdout.contains("FAIL  \(IntegrityCheckName.sameLog): 7\n        position 1 (s-0 version 0): id, recording time differ\n"))
        }
    }
}
