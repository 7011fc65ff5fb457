//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata

/// Document collections: one table per collection in the read store's schema (see PostgresDocumentColumns),
/// listed in `strata_document_collections` with its indexed fields in column order.
///
/// Every access looks the collection up in that list first, so an unknown collection is reported as
/// `unknownName` without a failed statement, which would abort the whole transaction.
extension PostgresReadStoreAccess {
    /// The longest identifier PostgreSQL keeps; a longer one would be silently cut short, and could name another table.
    private static let maximumNameLength = 63

    private static func validate(_ collection: String) throws {
        guard !collection.isEmpty, collection.utf8.count <= maximumNameLength, !collection.contains("\u{0}") else {
            throw ReadStoreError(
                .invalidArgument,
                "'\(collection)' is not a valid collection name: use 1 to \(maximumNameLength) bytes, without NUL"
            )
        }
    }

    /// The indexed fields of `collection`, or `nil` when it does not exist.
    private func lookUp(_ collection: String) async throws -> [String]? {
        if let indexes = cachedIndexes(of: collection) { return indexes }
        let rows = try await rows(
            "SELECT indexes FROM \(unescaped: schema.documentCollections) WHERE name = \(collection)",
            "look up collection '\(collection)'"
        )
        guard let row = rows.first else { return nil }
        let indexes = try row.decode([String].self)
        cacheIndexes(indexes, of: collection)
        return indexes
    }

    private func columns(of collection: String) async throws -> PostgresDocumentColumns {
        guard let indexes = try await lookUp(collection) else {
            throw ReadStoreError(.unknownName, "no document collection '\(collection)'")
        }
        return PostgresDocumentColumns(indexes: indexes)
    }

    func createCollection(_ collection: String, indexes: [String]) async throws {
        try requireWriting()
        try Self.validate(collection)
        guard try await lookUp(collection) == nil else { return }
        let columns = PostgresDocumentColumns(indexes: indexes)
        for statement in columns.createStatements(table: schema.table(collection)) {
            try await execute(PostgresQuery(unsafeSQL: statement), "create collection '\(collection)'")
        }
        try await execute(
            "INSERT INTO \(unescaped: schema.documentCollections) (name, indexes) VALUES (\(collection), \(indexes))",
            "register collection '\(collection)'"
        )
        cacheIndexes(indexes, of: collection)
    }

    /// Drops only a registered collection: a name that is not one (a registry table's, say) is left alone.
    func dropCollection(_ collection: String) async throws {
        try requireWriting()
        try Self.validate(collection)
        let removed = try await rows(
            "DELETE FROM \(unescaped: schema.documentCollections) WHERE name = \(collection) RETURNING name",
            "unregister collection '\(collection)'"
        )
        cacheIndexes(nil, of: collection)
        guard !removed.isEmpty else { return }
        try await execute(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(schema.table(collection))"), "drop collection '\(collection)'")
    }

    func putDocument(_ document: Data, key: String, indexValues: [String: SQLValue], in collection: String) async throws {
        try requireWriting()
        guard let json = String(validating: document, as: UTF8.self) else {
            throw ReadStoreError(.invalidArgument, "document '\(key)' of collection '\(collection)' is not UTF-8 JSON")
        }
        let columns = try await columns(of: collection)
        try await execute(
            columns.upsert(table: schema.table(collection), key: key, json: json, values: indexValues),
            "store document '\(key)' in '\(collection)'"
        )
    }

    /// All of a batch's documents in one statement: a round trip per document was most of a projection batch's
    /// time on PostgreSQL.
    func putDocuments(_ documents: [DocumentPut], in collection: String) async throws {
        try requireWriting()
        guard !documents.isEmpty else { return }
        var rows: [PostgresDocumentColumns.Row] = []
        rows.reserveCapacity(documents.count)
        // One statement may change a row once: of several puts under one key, the last stands, as it would
        // have one after another.
        var rowOfKey: [String: Int] = [:]
        for put in documents {
            guard let json = String(validating: put.document, as: UTF8.self) else {
                throw ReadStoreError(.invalidArgument, "document '\(put.key)' of collection '\(collection)' is not UTF-8 JSON")
            }
            let row = PostgresDocumentColumns.Row(key: put.key, json: json, values: put.indexValues)
            if let existing = rowOfKey[put.key] {
                rows[existing] = row
            } else {
                rowOfKey[put.key] = rows.count
                rows.append(row)
            }
        }
        let columns = try await columns(of: collection)
        try await execute(columns.upsert(table: schema.table(collection), rows: rows), "store \(rows.count) documents in '\(collection)'")
    }

    func deleteDocument(key: String, in collection: String) async throws {
        try requireWriting()
        _ = try await columns(of: collection)
        try await execute(
            PostgresQuery(unsafeSQL: "DELETE FROM \(schema.table(collection)) WHERE key = $1", binds: Self.binds(key)),
            "delete document '\(key)' from '\(collection)'"
        )
    }

    func document(key: String, in collection: String) async throws -> Data? {
        // A reader does not look the collection up first: its key lookup is then one round trip, and a collection
        // that does not exist fails it with undefined_table, which reads as unknownName. A failed statement would
        // abort a read-write transaction, so that looks first.
        if mode == .transaction { _ = try await columns(of: collection) }
        // Prepared: a query for one document is mostly this statement, and planning it every time costs the server
        // half as much again as running it.
        let rows = try await preparedRows(
            "SELECT document FROM \(schema.table(collection)) WHERE key = $1",
            [PostgresData(string: key)],
            "read document '\(key)' of '\(collection)'"
        )
        return try rows.first.map { Data(try $0.decode(String.self).utf8) }
    }

    /// One statement for all of a projection batch's documents: a round trip per document was most of a
    /// catch-up's time.
    func documents(keys: [String], in collection: String) async throws -> [String: Data] {
        guard !keys.isEmpty else { return [:] }
        if mode == .transaction { _ = try await columns(of: collection) }
        var bindings = PostgresBindings()
        bindings.append(keys)
        // Planned on every call, as every statement of Strata's is (see PostgresConnection/allRows(_:logger:)); which
        // is also what this one needs: a generic plan, made once for an array of any length and for a collection
        // that was empty then (every new generation is), scans the table, for every batch of a catch-up.
        let rows = try await rows(
            PostgresQuery(unsafeSQL: "SELECT key, document FROM \(schema.table(collection)) WHERE key = ANY($1)", binds: bindings),
            "read \(keys.count) documents of '\(collection)'"
        )
        var found: [String: Data] = [:]
        for row in rows {
            let (key, json) = try row.decode((String, String).self)
            found[key] = Data(json.utf8)
        }
        return found
    }

    func documents(in collection: String, matching query: DocumentQuery) async throws -> [StoredDocument] {
        let columns = try await columns(of: collection)
        let select = try columns.select(table: schema.table(collection), collection: collection, query: query)
        return try await rows(select, "query collection '\(collection)'").map { row in
            let (key, json) = try row.decode((String, String).self)
            return StoredDocument(key: key, json: Data(json.utf8))
        }
    }

    private static func binds(_ key: String) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(key)
        return bindings
    }
}
