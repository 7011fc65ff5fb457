//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// Typed, read-only access to one document collection.
///
/// ```swift
/// let orders = try await reader.documents("orders", of: "order-summary", as: OrderSummary.self)
/// let open = try await orders.find(.where("status", .equal, "open").limit(20))
/// ```
public struct DocumentReader<Document: Decodable>: Sendable {
    /// The physical collection name.
    public let collection: String
    /// The reader it reads through.
    public let reader: any ReadStoreReader

    /// Reads `collection` (a physical name) through `reader`.
    public init(collection: String, reader: any ReadStoreReader) {
        self.collection = collection
        self.reader = reader
    }

    /// The document under `key`, or `nil`.
    public func get(_ key: String) async throws -> Document? {
        guard let json = try await reader.document(key: key, in: collection) else { return nil }
        return try DocumentCoding.decode(Document.self, from: json, key: key, collection: collection)
    }

    /// The JSON of the document under `key` as stored, or `nil`: for answering without decoding.
    public func json(_ key: String) async throws -> DocumentJSON<Document>? {
        guard let bytes = try await reader.document(key: key, in: collection) else { return nil }
        return DocumentJSON(key: key, bytes: bytes, collection: collection)
    }

    /// The documents matching `query`, in its order.
    public func find(_ query: DocumentQuery = .all) async throws -> [Document] {
        try await findWithKeys(query).map(\.document)
    }

    /// The documents matching `query` with their keys, in its order.
    public func findWithKeys(_ query: DocumentQuery = .all) async throws -> [(key: String, document: Document)] {
        try await reader.documents(in: collection, matching: query).map { stored in
            (stored.key, try DocumentCoding.decode(Document.self, from: stored.json, key: stored.key, collection: collection))
        }
    }
}

/// Typed read and write access to one document collection, inside a projection batch.
///
/// ```swift
/// let orders = try context.documents("orders", as: OrderSummary.self)
/// try await orders.update("order-1", default: OrderSummary(id: "order-1")) { $0.status = "shipped" }
/// ```
public struct DocumentWriter<Document: Codable>: Sendable {
    /// The physical collection name.
    public let collection: String
    /// The fields the collection indexes.
    public let indexes: [String]
    let transaction: any ReadStoreTransaction
    /// The batch's documents, when written by a projection batch: reads and writes go through it and reach the
    /// store when the batch ends.
    let cache: DocumentBatchCache?

    /// Writes `collection` (a physical name, indexing `indexes`) in `transaction`, each change at once.
    public init(collection: String, indexes: [String], transaction: any ReadStoreTransaction) {
        self.init(collection: collection, indexes: indexes, transaction: transaction, cache: nil)
    }

    init(collection: String, indexes: [String], transaction: any ReadStoreTransaction, cache: DocumentBatchCache?) {
        self.collection = collection
        self.indexes = indexes
        self.transaction = transaction
        self.cache = cache
    }

    private var reading: DocumentReader<Document> { DocumentReader(collection: collection, reader: transaction) }

    /// The document under `key`, or `nil`, as this transaction sees it.
    public func get(_ key: String) async throws -> Document? {
        guard let cache else { return try await reading.get(key) }
        switch cache.entry(key, in: collection) {
        case .present(let document as Document, _, _):
            return document
        case .absent:
            return nil
        case .present:
            // Written in this batch as another type: read it back as this one.
            try await cache.flush(collection, to: transaction)
        case .stored(let json):
            return try hold(json, key: key, in: cache)
        case nil:
            break
        }
        guard let json = try await transaction.document(key: key, in: collection) else {
            cache.set(.absent(dirty: false), for: key, in: collection)
            return nil
        }
        return try hold(json, key: key, in: cache)
    }

    /// The document stored under `key` as `json`, now held by the batch: the value an earlier batch wrote as these
    /// very bytes (see ``LosslessDocument``), or else `json` decoded.
    private func hold(_ json: Data, key: String, in cache: DocumentBatchCache) throws -> Document {
        let document =
            try cache.decoded?.document(Document.self, key: key, collection: collection, storedAs: json)
            ?? DocumentCoding.decode(Document.self, from: json, key: key, collection: collection)
        cache.set(.present(document, indexes: indexes, dirty: false), for: key, in: collection)
        return document
    }

    /// The documents matching `query`, as this transaction sees them.
    public func find(_ query: DocumentQuery = .all) async throws -> [Document] {
        // The store answers queries, so it must first see what the batch changed.
        try await cache?.flush(collection, to: transaction)
        return try await reading.find(query)
    }

    /// Stores `document` under `key`, replacing any document there.
    public func put(_ document: Document, key: String) async throws {
        if let cache {
            cache.set(.present(document, indexes: indexes, dirty: true), for: key, in: collection)
            return
        }
        let json = try DocumentCoding.encode(document)
        let values = try DocumentCoding.indexValues(of: json, indexes: indexes)
        try await transaction.putDocument(json, key: key, indexValues: values, in: collection)
    }

    /// Changes the document under `key` (starting from `initial` when there is none) and stores it.
    public func update(_ key: String, default initial: @autoclosure () -> Document, _ change: (inout Document) throws -> Void) async throws {
        var document = try await get(key) ?? initial()
        try change(&document)
        try await put(document, key: key)
    }

    /// Changes the document under `key` when there is one; does nothing otherwise.
    public func updateIfPresent(_ key: String, _ change: (inout Document) throws -> Void) async throws {
        guard var document = try await get(key) else { return }
        try change(&document)
        try await put(document, key: key)
    }

    /// Deletes the document under `key`, if any.
    public func delete(_ key: String) async throws {
        if let cache {
            cache.set(.absent(dirty: true), for: key, in: collection)
            return
        }
        try await transaction.deleteDocument(key: key, in: collection)
    }
}
