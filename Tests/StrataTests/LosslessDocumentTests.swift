//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Synchronization
import Testing

/// How many counters each test's projection decoded, by projection name.
private let decodes = Mutex<[String: Int]>([:])

/// A counter that counts its own decodings, under the name of the projection that decodes it.
private struct Counter: Codable, Sendable, Equatable {
    var count: Int
    var projection: String

    init(count: Int, projection: String) {
        self.count = count
        self.projection = projection
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        count = try container.decode(Int.self, forKey: .count)
        projection = try container.decode(String.self, forKey: .projection)
        decodes.withLock { $0[projection, default: 0] += 1 }
    }
}

private struct LosslessCounter: LosslessDocument, Sendable, Equatable {
    var counter: Counter
}

private struct PlainCounter: Codable, Sendable, Equatable {
    var counter: Counter
}

/// Bumps the counter of each event's stream, read ahead of the batch or when asked; keeps it as a lossless
/// document or a plain one.
private struct Counters<Document: Codable & Sendable>: Projection {
    let name: String
    var readsAhead = true
    let wrap: @Sendable (Counter) -> Document
    let unwrap: @Sendable (Document) -> Counter
    var schema: ReadModelSchema { ReadModelSchema(collections: [DocumentCollection("counters", indexes: [])]) }

    func documentKeys(for event: RecordedEvent) -> [DocumentKey] {
        readsAhead ? [DocumentKey("counters", event.stream.rawValue)] : []
    }

    func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws {
        let counters = try context.documents("counters", as: Document.self)
        let current = try await counters.get(event.stream.rawValue).map(unwrap) ?? Counter(count: 0, projection: name)
        try await counters.put(wrap(Counter(count: current.count + 1, projection: name)), key: event.stream.rawValue)
    }
}

@Suite("lossless documents kept decoded between projection batches", .timeLimit(.minutes(5)))
struct LosslessDocumentTests {
    private func bump(_ store: InMemoryEventStore, _ streams: [String]) async throws {
        for stream in streams {
            _ = try await store.append([NewEvent(type: "Bump", data: Data("{}".utf8))], to: StreamID(stream), expecting: .any)
        }
    }

    private func runner(_ store: InMemoryEventStore, _ readStore: InMemoryReadStore, _ projections: [any Projection]) -> ProjectionRunner {
        var configuration = ProjectionRunner.Configuration()
        configuration.batchSize = 100
        configuration.failurePolicy = ProjectionFailurePolicy(retry: RetryPolicy(maximumAttempts: 1), action: .stop)
        return ProjectionRunner(store: store, readStore: readStore, projections: projections, configuration: configuration)
    }

    private func counters<Document: Codable & Sendable>(
        _ readStore: InMemoryReadStore,
        of projection: String,
        as type: Document.Type
    ) async throws -> [String: Document] {
        let found = try await readStore.withReader { reader in
            try await ReadModelReader(store: reader).documents("counters", of: projection, as: type).findWithKeys()
        }
        return Dictionary(uniqueKeysWithValues: found.map { ($0.key, $0.document) })
    }

    @Test(
        "a later batch gets the lossless documents the earlier one wrote without decoding them, read ahead or not; plain ones are decoded",
        arguments: [true, false]
    )
    func laterBatchesReuseWrittenDocuments(readsAhead: Bool) async throws {
        let store = InMemoryEventStore()
        let readStore = InMemoryReadStore()
        let lossless = Counters(
            name: "lossless-reuse-\(readsAhead)",
            readsAhead: readsAhead,
            wrap: { LosslessCounter(counter: $0) },
            unwrap: { $0.counter }
        )
        let plain = Counters(name: "plain-reuse-\(readsAhead)", readsAhead: readsAhead, wrap: { PlainCounter(counter: $0) }, unwrap: { $0.counter })
        let runner = runner(store, readStore, [lossless, plain])
        let running = Task { try await runner.run() }
        try await bump(store, ["c-a", "c-b"])
        try await runner.progress.wait(for: [lossless.name, plain.name], through: try await store.headPosition(), timeout: .seconds(10))
        // Three more batches, each reading back what the one before wrote.
        for _ in 0..<3 {
            try await bump(store, ["c-a", "c-b"])
            try await runner.progress.wait(for: [lossless.name, plain.name], through: try await store.headPosition(), timeout: .seconds(10))
        }
        running.cancel()
        try await running.value

        #expect(decodes.withLock { $0[lossless.name] ?? 0 } == 0, "every read was of bytes the previous batch wrote")
        #expect(decodes.withLock { $0[plain.name] ?? 0 } >= 6, "a plain document is decoded whenever a later batch reads it")
        let stored = try await counters(readStore, of: lossless.name, as: LosslessCounter.self)
        #expect(stored.mapValues(\.counter.count) == ["c-a": 4, "c-b": 4])
        #expect(try await counters(readStore, of: plain.name, as: PlainCounter.self).mapValues(\.counter.count) == ["c-a": 4, "c-b": 4])
    }

    @Test("a document changed in the store behind the projection is decoded from what the store holds")
    func documentsChangedElsewhereAreDecoded() async throws {
        let store = InMemoryEventStore()
        let readStore = InMemoryReadStore()
        let lossless = Counters(name: "lossless-changed", wrap: { LosslessCounter(counter: $0) }, unwrap: { $0.counter })
        let runner = runner(store, readStore, [lossless])
        let running = Task { try await runner.run() }
        try await bump(store, ["c-a"])
        try await runner.progress.wait(for: [lossless.name], through: try await store.headPosition(), timeout: .seconds(10))

        // Another process (or a batch that the projection did not see commit) writes the document.
        let collection = ReadModelNames.physicalName(projection: lossless.name, name: "counters", generation: 1)
        let written = try JSONEncoder().encode(LosslessCounter(counter: Counter(count: 100, projection: lossless.name)))
        try await readStore.withTransaction { transaction in
            try await transaction.putDocument(written, key: "c-a", indexValues: [:], in: collection)
        }
        try await bump(store, ["c-a"])
        try await runner.progress.wait(for: [lossless.name], through: try await store.headPosition(), timeout: .seconds(10))
        running.cancel()
        try await running.value

        #expect(decodes.withLock { $0[lossless.name] ?? 0 } == 1)
        #expect(try await counters(readStore, of: lossless.name, as: LosslessCounter.self).mapValues(\.counter.count) == ["c-a": 101])
    }
}
