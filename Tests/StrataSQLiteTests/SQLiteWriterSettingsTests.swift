//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Strata
import Testing

@testable import StrataSQLite

@Suite("the SQLite writer's connection settings", .timeLimit(.minutes(5)))
struct SQLiteWriterSettingsTests {
    @Test("the writer keeps temporary files in memory, so a large append's statement journal never becomes a file")
    func temporaryFilesInMemory() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-writer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await SQLiteEventStore.open(path: folder.appendingPathComponent("events.sqlite").path)
        defer { try? store.close() }
        // 2 = MEMORY. Readers keep SQLite's default: a large sort they make may still go to a file.
        #expect(try await store.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") } == 2)
        // Far more than the 64 KiB after which SQLite would otherwise move the journal into a file.
        let payload = Data(#"{"text":"\#(String(repeating: "x", count: 2_000))"}"#.utf8)
        let events = (0..<200).map { _ in NewEvent(type: "Large", data: payload) }
        let result = try await store.append(events, to: "large-1", expecting: .noStream)
        #expect(result.streamVersion == StreamVersion(199))
        #expect(try await store.readStream("large-1").count == 200)
    }
}
