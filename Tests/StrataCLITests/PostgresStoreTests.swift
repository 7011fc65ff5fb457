//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataPostgres
import StrataTestSupport
import Testing

@Suite("the CLI on PostgreSQL", .timeLimit(.minutes(10)), .enabled(if: TestPostgres.url != nil))
struct PostgresStoreTests {
    @Test("migrate, append, read and conflicts work on a postgres:// store, also named by STRATA_POSTGRES_URL")
    func appendAndRead() async throws {
        let schema = uniqueSchema("cli")
        let url = "\(TestPostgres.url!)&schema=\(schema)"
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

/// Counts events per stream.
private struct StreamCounter: Projection {
    var name: String { "stream-counts" }
    var schema: ReadModelSchema { ReadModelSchema(collections: [DocumentCollection("counts")]) }

    func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws {
        try await context.documents("counts", as: Int.self).update(event.stream.rawValue, default: 0) { $0 += 1 }
    }
}

@Suite("strata projections status on PostgreSQL", .timeLimit(.minutes(10)), .enabled(if: TestPostgres.url != nil))
struct PostgresProjectionsStatusTests {
    @Test("reads the registry of a PostgreSQL read store fed by a PostgreSQL event store; a schema without one is bad input")
    func status() async throws {
        let eventsURL = "\(TestPostgres.url!)&schema=\(uniqueSchema("cli_e"))"
        let readURL = "\(TestPostgres.url!)&schema=\(uniqueSchema("cli_r"))"
        let events = try PostgresEventStore(url: eventsURL)
        let readStore = try PostgresReadStore(url: readURL)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await events.run() }
            group.addTask { await readStore.run() }
            defer { group.cancelAll() }
            try await events.migrate()
            try await readStore.migrate()
            for stream in ["order-1", "order-2", "order-1"] {
                _ = try await events.append([NewEvent(type: "Placed", data: Data("{}".utf8))], to: StreamID(stream), expecting: .any)
            }
            var configuration = ProjectionRunner.Configuration()
            configuration.nodeName = "pg-node"
            let runner = ProjectionRunner(store: events, readStore: readStore, projections: [StreamCounter()], configuration: configuration)
            let running = Task { try await runner.run() }
            try await runner.progress.wait(for: ["stream-counts"], through: 3, timeout: .seconds(10))
            running.cancel()
            try await running.value
            _ = try await events.append([NewEvent(type: "Later", data: Data("{}".utf8))], to: "order-3", expecting: .any)
            group.cancelAll()
        }

        try await TestStore.with { store in
            let result = try await StrataProcess.run(
                ["projections", "status", "--json", "--store", eventsURL],
                in: store.folder,
                environment: ["STRATA_READ_STORE": readURL]
            )
            #expect(result.status == 0, "\(result.stderr)")
            let statuses = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            #expect(statuses.count == 1)
            #expect(statuses.first?["name"] as? String == "stream-counts")
            #expect(statuses.first?["checkpoint"] as? Int == 3)
            #expect(statuses.first?["head"] as? Int == 4)
            #expect(statuses.first?["lagEvents"] as? Int == 1)
            #expect(statuses.first?["node"] as? String == "pg-node")
            #expect(statuses.first?["state"] as? String == "live", "the last state the runner recorded")

            let missing = try await StrataProcess.run(
                ["projections", "status", "--store", eventsURL, "--read-store", "\(TestPostgres.url!)&schema=nowhere_at_all"],
                in: store.folder
            )
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("no read store in schema nowhere_at_all"), "\(missing.stderr)")
        }
    }
}
