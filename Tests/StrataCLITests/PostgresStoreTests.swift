//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Testing

private let postgresURL = ProcessInfo.processInfo.environment["STRATA_TEST_POSTGRES_URL"]

@Suite("the CLI on PostgreSQL", .enabled(if: postgresURL != nil))
struct PostgresStoreTests {
    @Test("migrate, append, read and conflicts work on a postgres:// store, also named by STRATA_POSTGRES_URL")
    func appendAndRead() async throws {
        let schema = "cli_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
        let url = "\(postgresURL!)&schema=\(schema)"
        try await TestStore.with { store in
            let migrate = try await StrataProcess.run(["migrate", "--store", url], in: store.folder)
            #expect(migrate.status == 0, "\(migrate.stderr)")
            #expect(!migrate.stderr.contains("postgres://strata:"), "no password in messages")

            let append = try await StrataProcess.run(
                [
                    "events", "append", "--store", url, "--stream", "order-1", "--type", "OrderPlaced", "--data", #"{"a":1}"#, "--expected-version",
                    "no-stream",
                ],
                in: store.folder
            )
            #expect(append.status == 0, "\(append.stderr)")
            #expect(append.stdout.contains(#""position":1"#))

            let conflict = try await StrataProcess.run(
                ["events", "append", "--store", url, "--stream", "order-1", "--type", "X", "--data", "{}", "--expected-version", "no-stream"],
                in: store.folder
            )
            #expect(conflict.status == 2)
            #expect(conflict.stderr.contains("actual 0"))

            let read = try await StrataProcess.run(["events", "read", "--all"], in: store.folder, environment: ["STRATA_POSTGRES_URL": url])
            #expect(read.status == 0, "\(read.stderr)")
            #expect(read.stdout.contains(#""data":{"a":1}"#))
            #expect(read.stdout.split(separator: "\n").count == 1)
        }
    }
}
