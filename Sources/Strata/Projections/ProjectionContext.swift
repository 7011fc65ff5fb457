//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// What a projection's handler writes through: its collections and tables in the generation being built,
/// inside the batch's transaction.
public struct ProjectionContext: Sendable {
    /// The projection's name.
    public let projection: String
    /// The generation being written.
    public let generation: Int
    /// The read-store transaction of the batch.
    public let transaction: any ReadStoreTransaction
    let schema: ReadModelSchema
    /// The documents the batch has read or written; they reach the store in flush().
    let documentCache: DocumentBatchCache

    init(
        projection: String,
        generation: Int,
        schema: ReadModelSchema,
        transaction: any ReadStoreTransaction,
        decoded: DecodedDocuments? = nil
    ) {
        self.projection = projection
        self.generation = generation
        self.schema = schema
        self.transaction = transaction
        documentCache = DocumentBatchCache(decoded: decoded)
    }

    /// Writes the documents the batch changed. Whoever makes a context must call it before committing: the
    /// changes are otherwise lost.
    func flush() async throws {
        try await documentCache.flush(to: transaction)
    }

    /// Reads the documents under `keys` into the batch, one query per collection, for `get` to decode when asked.
    /// Keys of collections the schema does not declare are left out: they are hints.
    func prefetch(_ keys: [DocumentKey]) async throws {
        guard !keys.isEmpty else { return }
        var byCollection: [String: Set<String>] = [:]
        for key in keys where schema.collections.contains(where: { $0.name == key.collection }) {
            byCollection[key.collection, default: []].insert(key.key)
        }
        for (name, keys) in byCollection {
            let collection = ReadModelNames.physicalName(projection: projection, name: name, generation: generation)
            let wanted = keys.filter { documentCache.entry($0, in: collection) == nil }
            guard !wanted.isEmpty else { continue }
            let found = try await transaction.documents(keys: wanted.sorted(), in: collection)
            for key in wanted {
                documentCache.set(found[key].map { .stored($0) } ?? .absent(dirty: false), for: key, in: collection)
            }
        }
    }

    /// The declared document collection `name`, typed as `type`.
    ///
    /// - Throws: ``ReadStoreError`` with code `unknownName` when the projection's schema does not declare it.
    public func documents<Document: Codable>(_ name: String, as type: Document.Type = Document.self) throws -> DocumentWriter<Document> {
        guard let declared = schema.collections.first(where: { $0.name == name }) else {
            throw ReadStoreError(.unknownName, "projection '\(projection)' declares no collection '\(name)'")
        }
        return DocumentWriter(
            collection: ReadModelNames.physicalName(projection: projection, name: name, generation: generation),
            indexes: declared.indexes,
            transaction: transaction,
            cache: documentCache
        )
    }

    /// The physical names of the projection's tables in this generation.
    public var tables: ReadModelTables { ReadModelTables(projection: projection, generation: generation) }

    /// The physical name of table `name` in this generation.
    public func table(_ name: String) -> String { tables[name] }

    /// Raw SQL inside the batch's transaction.
    ///
    /// Document changes made through documents(_:as:) reach the store when the batch ends (or when a `find`
    /// needs them), so SQL that reads a document collection directly may not see the batch's own changes yet.
    ///
    /// - Throws: ``ReadStoreError`` with code `unsupported` when the read store has no SQL.
    public func sql() throws -> any SQLExecutor {
        guard let sql = transaction.sql else { throw ReadStoreError(.unsupported, "this read store has no SQL") }
        return sql
    }
}
