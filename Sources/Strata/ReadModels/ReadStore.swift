//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// A database that holds read models, separate from the event store, with the projection registry beside them.
///
/// A projection batch runs in one transaction: its read-model changes and its new checkpoint commit together
/// or not at all, so a crash at any point neither loses nor repeats an event. Backends (in memory, SQLite,
/// PostgreSQL) implement three roles: this store, a ``ReadStoreReader`` for queries and a ``ReadStoreTransaction``
/// for writes. Read models are addressed by *physical* names (``ReadModelNames``), which carry the generation of
/// the projection that owns them.
///
/// Promises every backend keeps, checked by `ReadStoreConformanceCheck`:
/// - A transaction commits everything written in it, or, when `body` throws, nothing.
/// - Transactions of one store do not interleave: each sees the committed result of the previous one. (A
///   PostgreSQL store locks the projection's registry row for this.)
/// - Readers never see uncommitted writes.
///
/// ```swift
/// try await readStore.withTransaction { tx in
///     try await tx.putDocument(json, key: "order-1", indexValues: ["status": "open"], in: "orders__g1")
/// }
/// ```
public protocol ReadStore: Sendable {
    /// Runs `body` in one transaction, committing when it returns and rolling back when it throws.
    func withTransaction<T>(_ body: (any ReadStoreTransaction) async throws -> T) async throws -> T

    /// Runs `body` with read-only access to committed data.
    func withReader<T>(_ body: (any ReadStoreReader) async throws -> T) async throws -> T
}

/// Read-only access to a read store: the projection registry, parked events, documents and SQL queries.
public protocol ReadStoreReader: Sendable {
    /// The registry entry of a projection, or `nil` when it has never run.
    func projectionRecord(named name: String) async throws -> ProjectionRecord?

    /// Every registry entry, ordered by name.
    func projectionRecords() async throws -> [ProjectionRecord]

    /// The parked events of one generation of a projection, in ascending position.
    func parkedEvents(projection: String, generation: Int) async throws -> [ParkedEvent]

    /// One parked event, or `nil` when it is not (or no longer) parked.
    func parkedEvent(projection: String, generation: Int, position: GlobalPosition) async throws -> ParkedEvent?

    /// The streams that have at least one parked event in one generation of a projection.
    func parkedStreams(projection: String, generation: Int) async throws -> Set<StreamID>

    /// How many events of one generation of a projection are parked.
    func parkedCount(projection: String, generation: Int) async throws -> Int

    /// The JSON of the document stored under `key`, or `nil`.
    ///
    /// - Throws: ``ReadStoreError`` with code `unknownName` when the collection does not exist.
    func document(key: String, in collection: String) async throws -> Data?

    /// The JSON of the documents stored under `keys`, by key; keys with no document are left out.
    ///
    /// A projection batch reads the documents its events name this way (``Projection/documentKeys(for:)``): one
    /// statement instead of one per document. By default, one document(key:in:) after another.
    ///
    /// - Throws: ``ReadStoreError`` with code `unknownName` when the collection does not exist.
    func documents(keys: [String], in collection: String) async throws -> [String: Data]

    /// The documents that match `query`, in its order.
    ///
    /// - Throws: ``ReadStoreError`` with code `notIndexed` when the query uses a field the collection does not index.
    func documents(in collection: String, matching query: DocumentQuery) async throws -> [StoredDocument]

    /// Raw SQL, or `nil` when the store has no SQL (the in-memory store).
    var sql: (any SQLExecutor)? { get }
}

/// Write access to a read store inside one transaction.
public protocol ReadStoreTransaction: ReadStoreReader {
    /// Creates or replaces the registry entry of `record.name`.
    func saveProjectionRecord(_ record: ProjectionRecord) async throws

    /// Removes a projection's registry entry.
    func deleteProjectionRecord(named name: String) async throws

    /// Stores a parked event, replacing one at the same projection, generation and position.
    func park(_ event: ParkedEvent) async throws

    /// Removes one parked event.
    func removeParkedEvent(projection: String, generation: Int, position: GlobalPosition) async throws

    /// Removes every parked event of one generation of a projection.
    func removeParkedEvents(projection: String, generation: Int) async throws

    /// Creates a document collection with a lookup index per field of `indexes`; does nothing when it exists.
    func createCollection(_ collection: String, indexes: [String]) async throws

    /// Drops a document collection and its indexes; does nothing when it does not exist.
    func dropCollection(_ collection: String) async throws

    /// Stores a document under `key`, replacing any document there.
    ///
    /// - Parameters:
    ///   - document: The document's JSON.
    ///   - key: Its key, unique in the collection.
    ///   - indexValues: The value of each indexed field (``SQLValue/null`` when absent).
    ///   - collection: The physical collection name.
    func putDocument(_ document: Data, key: String, indexValues: [String: SQLValue], in collection: String) async throws

    /// Deletes the document stored under `key`, if any.
    func deleteDocument(key: String, in collection: String) async throws

    /// Stores several documents of one collection, each as putDocument(_:key:indexValues:in:) would.
    ///
    /// A projection's batch writes all the documents it changed through this; a store that can write them in
    /// one access saves a round trip per document.
    func putDocuments(_ documents: [DocumentPut], in collection: String) async throws
}

extension ReadStoreTransaction {
    public func putDocuments(_ documents: [DocumentPut], in collection: String) async throws {
        for put in documents {
            try await putDocument(put.document, key: put.key, indexValues: put.indexValues, in: collection)
        }
    }
}

/// One document to store with ``ReadStoreTransaction/putDocuments(_:in:)``.
public struct DocumentPut: Sendable {
    /// The key, unique in the collection.
    public var key: String
    /// The document's JSON.
    public var document: Data
    /// The value of each indexed field (``SQLValue/null`` when absent).
    public var indexValues: [String: SQLValue]

    public init(key: String, document: Data, indexValues: [String: SQLValue]) {
        self.key = key
        self.document = document
        self.indexValues = indexValues
    }
}

/// A document as a read store returns it: its key and JSON.
public struct StoredDocument: Hashable, Sendable {
    /// The document's key.
    public var key: String
    /// The document's JSON.
    public var json: Data

    public init(key: String, json: Data) {
        self.key = key
        self.json = json
    }
}

extension ReadStoreReader {
    public func documents(keys: [String], in collection: String) async throws -> [String: Data] {
        var found: [String: Data] = [:]
        for key in keys where found[key] == nil {
            if let document = try await document(key: key, in: collection) { found[key] = document }
        }
        return found
    }
}
