//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataSQLite
import StrataTestSupport
import Testing

/// Counts events per stream; fails, always, on events of type `Broken`.
private struct Counter: Projection {
    var name: String
    var filter: EventFilter = .all
    var schema: ReadModelSchema { ReadModelSchema(collections: [DocumentCollection("counts")]) }

    func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws {
        struct Broken: Error, CustomStringConvertible {
            var description: String { "cannot count a broken event" }
        }
        if event.type == "Broken" { throw Broken() }
        try await context.documents("counts", as: Int.self).update(event.stream.rawValue, default: 0) { $0 += 1 }
    }
}

@Suite("strata projections status", .timeLimit(.minutes(10)))
struct ProjectionsStatusCommandTests {
    private func readStoreURL(_ store: TestStore) -> String {
        "sqlite:\(store.folder.appendingPathComponent("read.sqlite").path)"
    }

    /// Runs two projections over six events to the head, one of them parking an event, then appends two more
    /// events that neither projection sees.
    private func seed(_ store: TestStore) async throws {
        let events = try await SQLiteEventStore.open(path: store.path)
        let readStore = try await SQLiteReadStore.open(path: store.folder.appendingPathComponent("read.sqlite").path)
        for (stream, type) in [("order-1", "Placed"), ("order-2", "Placed"), ("order-1", "Broken"), ("audit-1", "Seen"), ("order-2", "Shipped")] {
            _ = try await events.append([NewEvent(type: type, data: Data("{}".utf8))], to: StreamID(stream), expecting: .any)
        }
        var configuration = ProjectionRunner.Configuration()
        configuration.failurePolicy = ProjectionFailurePolicy(retry: RetryPolicy(maximumAttempts: 1), action: .park)
        configuration.nodeName = "test-node"
        let runner = ProjectionRunner(
            store: events,
            readStore: readStore,
            projections: [Counter(name: "orders", filter: .category("order")), Counter(name: "everything")],
            configuration: configuration
        )
        let head = try await events.headPosition()
        let running = Task { try await runner.run() }
        try await runner.progress.wait(for: ["orders", "everything"], through: head, timeout: .seconds(10))
        try await eventually("the projections to turn live") { try await !runner.statuses().contains(where: { $0.state != .live }) }
        // A batch records the state it commits in; this one records "live" for both.
        _ = try await events.append([NewEvent(type: "Seen", data: Data("{}".utf8))], to: "audit-1", expecting: .any)
        let last = try await events.headPosition()
        try await runner.progress.wait(for: ["orders", "everything"], through: last, timeout: .seconds(10))
        running.cancel()
        try await running.value
        for _ in 0..<2 { _ = try await events.append([NewEvent(type: "Later", data: Data("{}".utf8))], to: "audit-2", expecting: .any) }
        try readStore.close()
        try events.close()
    }

    @Test("--json prints every projection's checkpoint, head, lag, last reported state and parked count")
    func json() async throws {
        try await TestStore.with { store in
            try await seed(store)
            let result = try await store.run(["projections", "status", "--json", "--read-store", readStoreURL(store)])
            #expect(result.status == 0, "\(result.stderr)")
            let statuses = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            #expect(statuses.map { $0["name"] as? String } == ["everything", "orders"])
            let everything = statuses[0]
            #expect(everything["state"] as? String == "live")
            #expect(everything["checkpoint"] as? Int == 6)
            #expect(everything["head"] as? Int == 8)
            #expect(everything["lagEvents"] as? Int == 2)
            #expect((everything["lagSeconds"] as? Double ?? -1) >= 0)
            #expect(everything["generation"] as? Int == 1)
            #expect(everything["version"] as? Int == 1)
            #expect(everything["parkedCount"] as? Int == 1)
            #expect((everything["lastError"] as? String)?.contains("cannot count a broken event") == true)
            #expect(everything["node"] as? String == "test-node")
            #expect(everything["rebuildCheckpoint"] is NSNull)
            let reportedAt = try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(try #require(everything["reportedAt"] as? String))
            #expect(abs(reportedAt.timeIntervalSinceNow) < 120)
            // The orders projection handles only its category, but its checkpoint passes every event up to the head it saw.
            #expect(statuses[1]["checkpoint"] as? Int == 6)
            #expect(statuses[1]["parkedCount"] as? Int == 1)
        }
    }

    @Test("without --json it prints an aligned table")
    func table() async throws {
        try await TestStore.with { store in
            try await seed(store)
            let result = try await store.run(["projections", "status", "--read-store", readStoreURL(store)])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 3)
            #expect(lines[0].hasPrefix("PROJECTION  STATE  CHECKPOINT  HEAD  LAG  LAG(S)"))
            #expect(lines[1].hasPrefix("everything  live   6           8     2    "))
            #expect(lines[1].contains("test-node"))
            #expect(lines[1].hasSuffix("cannot count a broken event"))
            #expect(lines[2].hasPrefix("orders      live   6           8     2    "))
        }
    }

    @Test("STRATA_READ_STORE names the read store; a missing one is bad input, never created")
    func missingReadStore() async throws {
        try await TestStore.with { store in
            let missing = store.folder.appendingPathComponent("nowhere.sqlite").path
            let result = try await StrataProcess.run(
                ["projections", "status", "--store", store.url],
                in: store.folder,
                environment: ["STRATA_READ_STORE": "sqlite:\(missing)"]
            )
            #expect(result.status == 1)
            #expect(result.stderr.contains("no read store at \(missing)"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: missing))
        }
    }
}
