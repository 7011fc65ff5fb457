//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Strata
import Synchronization

/// Document collections: one table per collection, `key` as primary key, the JSON in `document`, and each
/// indexed field in its own column (`i0`, `i1`… in the order declared) with a SQL index, so lookups by an
/// indexed field never scan. `strata_document_collections` records which field each column holds.
extension SQLiteReadStoreAccess {
    private static func indexes(of collection: String, _ db: Database) throws -> [String] {
        guard
            let json = try String.fetchOne(
                db.cachedStatement(sql: "SELECT indexes FROM strata_document_collections WHERE name = ?"), arguments: [collection])
        else {
            throw ReadStoreError(.unknownName, "no document collection '\(collection)'")
        }
        return try IndexListCache.shared.indexes(decoding: json)
    }

    private static func column(of field: String, indexes: [String], collection: String) throws -> String {
        if field == DocumentQuery.keyField { return "key" }
        guard let index = indexes.firstIndex(of: field) else {
            throw ReadStoreError(.notIndexed, "collection '\(collection)' has no index on '\(field)'")
        }
        return "i\(index)"
    }

    func createCollection(_ collection: String, indexes: [String]) async throws {
        let indexesJSON = String(decoding: try JSONEncoder().encode(indexes), as: UTF8.self)
        try await write { db in
            if try String.fetchOne(db, sql: "SELECT name FROM strata_document_collections WHERE name = ?", arguments: [collection]) != nil {
                return
            }
            let table = SQLiteReadStore.quoted(collection)
            let columns = indexes.indices.map { ", i\($0)" }.joined()
            try db.execute(sql: "CREATE TABLE \(table) (key TEXT PRIMARY KEY NOT NULL, document BLOB NOT NULL\(columns))")
            for index in indexes.indices {
                // The key breaks ties, so sorted lookups are answered in index order too.
                try db.execute(sql: "CREATE INDEX \(SQLiteReadStore.quoted("\(collection)_i\(index)")) ON \(table) (i\(index), key)")
            }
            try db.execute(sql: "INSERT INTO strata_document_collections (name, indexes) VALUES (?, ?)", arguments: [collection, indexesJSON])
        }
    }

    func dropCollection(_ collection: String) async throws {
        try await write { db in
            try db.execute(sql: "DROP TABLE IF EXISTS \(SQLiteReadStore.quoted(collection))")
            try db.execute(sql: "DELETE FROM strata_document_collections WHERE name = ?", arguments: [collection])
        }
    }

    func putDocument(_ document: Data, key: String, indexValues: [String: SQLValue], in collection: String) async throws {
        try await putDocuments([DocumentPut(key: key, document: document, indexValues: indexValues)], in: collection)
    }

    func putDocuments(_ documents: [DocumentPut], in collection: String) async throws {
        guard !documents.isEmpty else { return }
        try await write { db in
            let indexes = try Self.indexes(of: collection, db)
            let columns = indexes.indices.map { ", i\($0)" }.joined()
            let placeholders = String(repeating: ", ?", count: indexes.count)
            let statement = try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO \(SQLiteReadStore.quoted(collection)) (key, document\(columns)) VALUES (?, ?\(placeholders))"
            )
            for put in documents {
                var arguments: [DatabaseValue] = [put.key.databaseValue, put.document.databaseValue]
                arguments += indexes.map { (put.indexValues[$0] ?? .null).databaseValue }
                try statement.execute(arguments: StatementArguments(arguments))
            }
        }
    }

    func deleteDocument(key: String, in collection: String) async throws {
        try await write { db in
            _ = try Self.indexes(of: collection, db)
            try db.cachedStatement(sql: "DELETE FROM \(SQLiteReadStore.quoted(collection)) WHERE key = ?").execute(arguments: [key])
        }
    }

    func document(key: String, in collection: String) async throws -> Data? {
        try await run { db in
            do {
                return try Data.fetchOne(
                    db.cachedStatement(sql: "SELECT document FROM \(SQLiteReadStore.quoted(collection)) WHERE key = ?"), arguments: [key])
            } catch {
                // The registry is read only when the lookup fails, a query being one statement: an unknown
                // collection is reported as such, anything else as it is.
                _ = try Self.indexes(of: collection, db)
                throw error
            }
        }
    }

    func documents(in collection: String, matching query: DocumentQuery) async throws -> [StoredDocument] {
        try await run { db in
            let indexes = try Self.indexes(of: collection, db)
            var sql = "SELECT key, document FROM \(SQLiteReadStore.quoted(collection))"
            var arguments: [DatabaseValue] = []
            if !query.conditions.isEmpty {
                let conditions = try query.conditions.map { condition in
                    arguments.append(condition.value.databaseValue)
                    let column = try Self.column(of: condition.field, indexes: indexes, collection: collection)
                    return "\(column) \(condition.comparison.sqlOperator) ?"
                }
                sql += " WHERE " + conditions.joined(separator: " AND ")
            }
            let direction = query.descending ? "DESC" : "ASC"
            let sortColumn = try Self.column(of: query.sortField ?? DocumentQuery.keyField, indexes: indexes, collection: collection)
            sql += sortColumn == "key" ? " ORDER BY key \(direction)" : " ORDER BY \(sortColumn) \(direction), key \(direction)"
            if let limit = query.limit {
                sql += " LIMIT ?"
                arguments.append(max(0, limit).databaseValue)
            }
            return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments)).map { row in
                StoredDocument(key: row[0], json: row[1])
            }
        }
    }
}

/// The decoded index lists of collections, by their JSON text: every document write and read looks its
/// collection's list up, and decoding it each time cost more than the lookup.
private final class IndexListCache: Sendable {
    static let shared = IndexListCache()

    private let lists = Mutex<[String: [String]]>([:])

    func indexes(decoding json: String) throws -> [String] {
        if let cached = lists.withLock({ $0[json] }) { return cached }
        let decoded = try JSONDecoder().decode([String].self, from: Data(json.utf8))
        lists.withLock { lists in
            // Lists are a handful per read store; the bound only guards against unbounded growth.
            if lists.count >= 1024 { lists.removeAll() }
            lists[json] = decoded
        }
        return decoded
    }
}
