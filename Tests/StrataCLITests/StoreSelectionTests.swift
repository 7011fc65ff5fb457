//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Testing

@Suite("--store and STRATA_STORE", .timeLimit(.minutes(10)))
struct StoreSelectionTests {
    @Test("STRATA_STORE names the store when --store is absent, and its missing folders are created")
    func environmentVariable() async throws {
        try await TestStore.with { store in
            let nested = store.folder.appendingPathComponent("a/b/events.sqlite").path
            let environment = ["STRATA_STORE": "sqlite:\(nested)"]
            let append = try await StrataProcess.run(
                ["events", "append", "--stream", "order-1", "--type", "T", "--data", "{}"],
                in: store.folder,
                environment: environment
            )
            #expect(append.status == 0, "\(append.stderr)")
            #expect(FileManager.default.fileExists(atPath: nested))

            // --store wins over the variable.
            let explicit = try await StrataProcess.run(["events", "read", "--all", "--store", store.url], in: store.folder, environment: environment)
            #expect(explicit.status == 0)
            #expect(explicit.stdout.isEmpty)
        }
    }

    @Test("without --store or STRATA_STORE the store is ./strata-data/events.sqlite")
    func defaultStore() async throws {
        try await TestStore.with { store in
            let append = try await StrataProcess.run(["events", "append", "--stream", "order-1", "--type", "T", "--data", "{}"], in: store.folder)
            #expect(append.status == 0, "\(append.stderr)")
            #expect(FileManager.default.fileExists(atPath: store.folder.appendingPathComponent("strata-data/events.sqlite").path))
        }
    }

    @Test(
        "malformed PostgreSQL URLs and other schemes are bad input",
        arguments: [
            ("postgres://localhost/strata?sslmode=sometimes", "unknown sslmode"),
            ("mysql://localhost/strata", "unsupported store URL"),
            ("sqlite:", "names no file"),
        ])
    func unsupportedStores(url: String, message: String) async throws {
        try await TestStore.with { store in
            let result = try await StrataProcess.run(["events", "read", "--all", "--store", url], in: store.folder)
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
    }
}
