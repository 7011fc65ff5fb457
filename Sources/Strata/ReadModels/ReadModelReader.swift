//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// What a query reads through: the active generation of each projection's read models.
///
/// ```swift
/// let orders = try await reader.documents("orders", of: "order-summary", as: OrderSummary.self)
/// let rows = try await reader.sql().query("SELECT * FROM \(try await reader.table("totals", of: "revenue"))")
/// ```
public struct ReadModelReader: Sendable {
    /// The read store's reader, for direct access to the registry.
    public let store: any ReadStoreReader
    /// Generations already read from the registry, shared by the queries of one ``QueryHandler``.
    let generations: ActiveGenerationCache?

    public init(store: any ReadStoreReader) {
        self.init(store: store, generations: nil)
    }

    init(store: any ReadStoreReader, generations: ActiveGenerationCache?) {
        self.store = store
        self.generations = generations
    }

    /// The generation queries of `projection` read.
    ///
    /// - Throws: ``ReadStoreError`` with code `notBuilt` when the projection has never run against this read
    ///   store, so it has no read model yet.
    public func activeGeneration(of projection: String) async throws -> Int {
        if let number = generations?.number(of: projection) { return number }
        guard let record = try await store.projectionRecord(named: projection) else {
            throw ReadStoreError(.notBuilt, "projection '\(projection)' has no read model yet")
        }
        generations?.remember(record.active.number, of: projection)
        return record.active.number
    }

    /// The document collection `name` of `projection`, typed as `type`.
    public func documents<Document: Decodable>(
        _ name: String,
        of projection: String,
        as type: Document.Type = Document.self
    ) async throws -> DocumentReader<Document> {
        let generation = try await activeGeneration(of: projection)
        return DocumentReader(
            collection: ReadModelNames.physicalName(projection: projection, name: name, generation: generation),
            reader: store
        )
    }

    /// The physical name of the SQL table `name` of `projection`.
    public func table(_ name: String, of projection: String) async throws -> String {
        ReadModelNames.physicalName(projection: projection, name: name, generation: try await activeGeneration(of: projection))
    }

    /// Raw SQL for reading tables.
    ///
    /// - Throws: ``ReadStoreError`` with code `unsupported` when the read store has no SQL.
    public func sql() throws -> any SQLExecutor {
        guard let sql = store.sql else { throw ReadStoreError(.unsupported, "this read store has no SQL") }
        return sql
    }
}
