//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

private struct Tally: Codable, Sendable, Equatable {
    var count: Int
    /// How many tallies `find` saw when this one was last written.
    var visible: Int
}

/// Per event: bumps its stream's tally, checks with `find` that the batch's own writes are visible, and on a
/// `Reset` event deletes the tally and checks that `get` no longer sees it.
private struct Tallies: Projection {
    let name = "tallies"
    /// Whether the batch reads its documents ahead: the tally of each event's stream, one that no event reads and
    /// one of a collection the schema does not declare, which is ignored.
    var readsAhead = false
    var schema: ReadModelSchema { ReadModelSchema(collections: [DocumentCollection("tallies", indexes: ["count"])]) }

    func documentKeys(for event: RecordedEvent) -> [DocumentKey] {
        guard readsAhead else { return [] }
        return [DocumentKey("tallies", event.stream.rawValue), DocumentKey("tallies", "t-unread"), DocumentKey("undeclared", "x")]
    }

    func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws {
        let tallies = try context.documents("tallies", as: Tally.self)
        let key = event.stream.rawValue
        if event.type == "Reset" {
            try await tallies.delete(key)
            guard try await tallies.get(key) == nil else { throw Mismatch(what: "a deleted tally is still there") }
            return
        }
        try await tallies.update(key, default: Tally(count: 0, visible: 0)) { $0.count += 1 }
        let visible = try await tallies.find().count
        let count = try await tallies.get(key)?.count ?? 0
        // The index of the pending write answers the filter too.
        guard try await !tallies.find(.where("count", .equal, .integer(Int64(count)))).isEmpty else {
            throw Mismatch(what: "find does not see the batch's own write")
        }
        try await tallies.update(key, default: Tally(count: 0, visible: 0)) { $0.visible = visible }
    }

    struct Mismatch: Error { var what: String }
}

@Suite("documents within a projection batch", .timeLimit(.minutes(5)))
struct DocumentBatchCacheTests {
    @Test(
        "a batch sees its own puts, updates and deletes through get and find, and commits their final state",
        arguments: [false, true]
    )
    func batchSeesItsOwnChanges(readsAhead: Bool) async throws {
        let store = InMemoryEventStore()
        let readStore = InMemoryReadStore()
        for (stream, type) in [("t-a", "Bump"), ("t-a", "Bump"), ("t-b", "Bump"), ("t-c", "Bump"), ("t-c", "Reset"), ("t-a", "Bump")] {
            _ = try await store.append([NewEvent(type: type, data: Data("{}".utf8))], to: StreamID(stream), expecting: .any)
        }
        var configuration = ProjectionRunner.Configuration()
        configuration.batchSize = 100
        configuration.failurePolicy = ProjectionFailurePolicy(retry: RetryPolicy(maximumAttempts: 1), action: .stop)
        let runner = ProjectionRunner(
            store: store,
            readStore: readStore,
            projections: [Tallies(readsAhead: readsAhead)],
            configuration: configuration
        )
        let running = Task { try await runner.run() }
        try await runner.progress.wait(for: ["tallies"], through: try await store.headPosition(), timeout: .seconds(10))
        // A later batch reads (ahead, or when asked) what the first committed.
        for stream in ["t-a", "t-b"] {
            _ = try await store.append([NewEvent(type: "Bump", data: Data("{}".utf8))], to: StreamID(stream), expecting: .any)
        }
        try await runner.progress.wait(for: ["tallies"], through: try await store.headPosition(), timeout: .seconds(10))
        running.cancel()
        try await running.value
        #expect(try await runner.status(of: "tallies").lastError == nil)

        let tallies = try await readStore.withReader { reader in
            try await ReadModelReader(store: reader).documents("tallies", of: "tallies", as: Tally.self).findWithKeys()
        }
        let byKey = Dictionary(uniqueKeysWithValues: tallies.map { ($0.key, $0.document) })
        #expect(byKey == ["t-a": Tally(count: 4, visible: 2), "t-b": Tally(count: 2, visible: 2)], "t-c was deleted in the first batch")
    }
}
