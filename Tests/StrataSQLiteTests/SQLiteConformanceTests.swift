//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataConformance
import StrataSQLite
import Testing

/// Each store lives in its own temporary folder. The poll interval is an hour, so live delivery in these checks
/// can only come from the in-process wake-up, never from polling.
struct SQLiteBackend: ConformanceBackend {
    var databaseSystem: String? { "sqlite" }

    static func configuration() -> SQLiteEventStore.Configuration {
        var configuration = SQLiteEventStore.Configuration()
        configuration.pollInterval = .seconds(3600)
        return configuration
    }

    func makeStore() async throws -> any EventStore {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try await SQLiteEventStore.open(path: folder.appendingPathComponent("events.sqlite").path, configuration: Self.configuration())
    }

    func reopen(_ store: any EventStore) async throws -> any EventStore {
        let sqlite = try #require(store as? SQLiteEventStore)
        try sqlite.close()
        return try await SQLiteEventStore.open(path: sqlite.path, configuration: Self.configuration())
    }

    func dispose(_ store: any EventStore) async throws {
        let sqlite = try #require(store as? SQLiteEventStore)
        try sqlite.close()
        try FileManager.default.removeItem(atPath: URL(fileURLWithPath: sqlite.path).deletingLastPathComponent().path)
    }
}

@Test("the SQLite store passes the conformance suite", .timeLimit(.minutes(5)), arguments: EventStoreConformanceCheck.all)
func sqliteConformance(_ check: EventStoreConformanceCheck) async throws {
    try await check.run(on: SQLiteBackend())
}
