//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Synchronization

/// A read store held in memory: the reference implementation, for tests, examples and prototypes.
///
/// A transaction works on a copy of the whole store and publishes it on commit, so a failed transaction
/// leaves no trace. It has no SQL: projections with SQL migrations need a database-backed store.
public final class InMemoryReadStore: ReadStore {
    struct Collection: Sendable {
        var indexes: [String]
        var documents: [String: (json: Data, values: [String: SQLValue])] = [:]
    }

    struct State: Sendable {
        var records: [String: ProjectionRecord] = [:]
        var parked: [String: [GlobalPosition: ParkedEvent]] = [:]
        var collections: [String: Collection] = [:]

        static func parkedKey(_ projection: String, _ generation: Int) -> String { "\(projection)\u{0}\(generation)" }
    }

    private let state = Mutex(State())
    private let lock = AsyncLock()

    public init() {}

    public func withTransaction<T>(_ body: (any ReadStoreTransaction) async throws -> T) async throws -> T {
        try await lock.withLock {
            let transaction = Transaction(state: state.withLock { $0 })
            let result = try await body(transaction)
            let committed = transaction.finish()
            state.withLock { $0 = committed }
            return result
        }
    }

    public func withReader<T>(_ body: (any ReadStoreReader) async throws -> T) async throws -> T {
        try await body(Transaction(state: state.withLock { $0 }, readOnly: true))
    }

    /// A working copy of the store; also serves readers, as a snapshot.
    final class Transaction: ReadStoreTransaction {
        private let state: Mutex<State>
        private let readOnly: Bool

        init(state: State, readOnly: Bool = false) {
            self.state = Mutex(state)
            self.readOnly = readOnly
        }

        func finish() -> State { state.withLock { $0 } }

        var sql: (any SQLExecutor)? { nil }

        private func read<T>(_ body: (State) throws -> T) rethrows -> T {
            try state.withLock { try body($0) }
        }

        private func write(_ body: (inout State) throws -> Void) throws {
            guard !readOnly else { throw ReadStoreError(.unsupported, "a reader cannot write") }
            try state.withLock { try body(&$0) }
        }

        func projectionRecord(named name: String) async throws -> ProjectionRecord? { read { $0.records[name] } }

        func projectionRecords() async throws -> [ProjectionRecord] {
            read { $0.records.values.sorted { $0.name < $1.name } }
        }

        func parkedEvents(projection: String, generation: Int) async throws -> [ParkedEvent] {
            read { state in
                (state.parked[State.parkedKey(projection, generation)] ?? [:]).values.sorted { $0.event.position < $1.event.position }
            }
        }

        func parkedEvent(projection: String, generation: Int, position: GlobalPosition) async throws -> ParkedEvent? {
            read { $0.parked[State.parkedKey(projection, generation)]?[position] }
        }

        func parkedStreams(projection: String, generation: Int) async throws -> Set<StreamID> {
            read { Set(($0.parked[State.parkedKey(projection, generation)] ?? [:]).values.map(\.event.stream)) }
        }

        func parkedCount(projection: String, generation: Int) async throws -> Int {
            read { $0.parked[State.parkedKey(projection, generation)]?.count ?? 0 }
        }

        func document(key: String, in collection: String) async throws -> Data? {
            try read { state in
                guard let stored = state.collections[collection] else { throw Self.unknown(collection) }
                return stored.documents[key]?.json
            }
        }

        func documents(in collection: String, matching query: DocumentQuery) async throws -> [StoredDocument] {
            try read { state in
                guard let stored = state.collections[collection] else { throw Self.unknown(collection) }
                if let field = query.fields.first(where: { !stored.indexes.contains($0) }) {
                    throw ReadStoreError(.notIndexed, "collection '\(collection)' has no index on '\(field)'")
                }
                func value(_ field: String, _ key: String, _ values: [String: SQLValue]) -> SQLValue {
                    field == DocumentQuery.keyField ? .text(key) : values[field] ?? .null
                }
                var matches = stored.documents.filter { key, document in
                    query.conditions.allSatisfy { condition in
                        condition.comparison.holds(value(condition.field, key, document.values), condition.value)
                    }
                }.map { (key: $0.key, json: $0.value.json, values: $0.value.values) }
                let sortField = query.sortField ?? DocumentQuery.keyField
                matches.sort { a, b in
                    let (x, y) = (value(sortField, a.key, a.values), value(sortField, b.key, b.values))
                    if x == y { return query.descending ? b.key < a.key : a.key < b.key }
                    return query.descending ? y < x : x < y
                }
                if let limit = query.limit { matches = Array(matches.prefix(max(0, limit))) }
                return matches.map { StoredDocument(key: $0.key, json: $0.json) }
            }
        }

        func saveProjectionRecord(_ record: ProjectionRecord) async throws {
            try write { $0.records[record.name] = record }
        }

        func deleteProjectionRecord(named name: String) async throws {
            try write { $0.records[name] = nil }
        }

        func park(_ event: ParkedEvent) async throws {
            try write { $0.parked[State.parkedKey(event.projection, event.generation), default: [:]][event.event.position] = event }
        }

        func removeParkedEvent(projection: String, generation: Int, position: GlobalPosition) async throws {
            try write { $0.parked[State.parkedKey(projection, generation)]?[position] = nil }
        }

        func removeParkedEvents(projection: String, generation: Int) async throws {
            try write { $0.parked[State.parkedKey(projection, generation)] = nil }
        }

        func createCollection(_ collection: String, indexes: [String]) async throws {
            try write { state in
                if state.collections[collection] == nil { state.collections[collection] = Collection(indexes: indexes) }
            }
        }

        func dropCollection(_ collection: String) async throws {
            try write { $0.collections[collection] = nil }
        }

        func putDocument(_ document: Data, key: String, indexValues: [String: SQLValue], in collection: String) async throws {
            try write { state in
                guard state.collections[collection] != nil else { throw Self.unknown(collection) }
                state.collections[collection]?.documents[key] = (document, indexValues)
            }
        }

        func deleteDocument(key: String, in collection: String) async throws {
            try write { state in
                guard state.collections[collection] != nil else { throw Self.unknown(collection) }
                state.collections[collection]?.documents[key] = nil
            }
        }

        private static func unknown(_ collection: String) -> ReadStoreError {
            ReadStoreError(.unknownName, "no document collection '\(collection)'")
        }
    }
}
