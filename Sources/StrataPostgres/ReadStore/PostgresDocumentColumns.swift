//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import PostgresNIO
import Strata

/// How a document collection is laid out in PostgreSQL, and how a DocumentQuery becomes SQL on it.
///
/// A collection is a table `key text COLLATE "C" PRIMARY KEY, document json, …` with a group of four columns per
/// indexed field `n` (in the order the fields were declared):
/// - `i<n>_kind`: 1 for a number (booleans are stored as 0 and 1), 2 for text, 3 for bytes, `NULL` when absent;
/// - `i<n>_num numeric`, `i<n>_text text COLLATE "C"`, `i<n>_blob bytea`: the value, in the column of its kind.
///
/// A PostgreSQL column has one type, but a field's values may be of any kind, and every read store must filter
/// and sort them alike: `NULL` matches no comparison, and across kinds numbers come before text, and text before
/// bytes (SQLite's order, which the in-memory store follows too). One B-tree index per field, on
/// `(kind NULLS FIRST, num, text, blob, key)`, orders rows exactly that way, answers lookups by any kind of
/// value, and serves sorted scans in either direction. Numbers are `numeric`, so integers and fractions compare
/// exactly; text compares by code point (`COLLATE "C"`), whatever the database's collation, as SQLite and Swift
/// do. The document is `json`, which keeps its exact bytes and still answers `document->>'field'` in raw SQL.
///
/// A B-tree entry holds at most about 2.7 kB, so an indexed text or bytes value must stay below that.
struct PostgresDocumentColumns: Sendable {
    /// The indexed fields, in column order.
    let indexes: [String]

    /// The kind of a non-null value, which is also its rank in the cross-kind order.
    enum Kind: Int16, Comparable {
        case number = 1
        case text = 2
        case blob = 3

        init?(of value: SQLValue) {
            if value.isNull { return nil }
            if value.double != nil {
                self = .number
            } else if value.string != nil {
                self = .text
            } else {
                self = .blob
            }
        }

        static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The columns of one indexed field, or of the key (whose kind is always text).
    struct Group {
        /// The kind column, or `nil` for the key.
        let kind: String?
        /// The value column of each kind the group can hold.
        let columns: [Kind: String]

        static let key = Group(kind: nil, columns: [.text: "key"])

        init(kind: String?, columns: [Kind: String]) {
            self.kind = kind
            self.columns = columns
        }

        /// The kind column of the indexed field at `index`.
        static func kindColumn(_ index: Int) -> String { "i\(index)_kind" }

        init(field index: Int) {
            self.init(
                kind: Self.kindColumn(index),
                columns: [.number: "i\(index)_num", .text: "i\(index)_text", .blob: "i\(index)_blob"]
            )
        }

        /// The value columns in index order.
        var ordered: [String] { [Kind.number, .text, .blob].compactMap { columns[$0] } }
    }

    // MARK: Creating

    /// The statements that create the collection's table and its indexes.
    func createStatements(table: String) -> [String] {
        let groups = indexes.indices.map { index in
            ", i\(index)_kind smallint, i\(index)_num numeric, i\(index)_text text COLLATE \"C\", i\(index)_blob bytea"
        }
        var statements = ["CREATE TABLE \(table) (key text COLLATE \"C\" PRIMARY KEY, document json NOT NULL\(groups.joined()))"]
        for index in indexes.indices {
            // Unnamed: PostgreSQL picks a unique name, where one derived from a long collection name could be cut
            // short at 63 bytes and collide.
            let group = Group(field: index)
            statements.append("CREATE INDEX ON \(table) (\(group.kind!) NULLS FIRST, \(group.ordered.joined(separator: ", ")), key)")
        }
        return statements
    }

    // MARK: Writing

    /// An upsert of `document` under `key`.
    func upsert(table: String, key: String, json: String, values: [String: SQLValue]) -> PostgresQuery {
        var bindings = PostgresBindings()
        bindings.append(key)
        bindings.append(json)
        var columns = ["key", "document"]
        var placeholders = ["$1", "$2::json"]
        for (index, field) in indexes.enumerated() {
            let group = Group(field: index)
            let value = values[field] ?? .null
            let kind = Kind(of: value)
            bindings.append(kind?.rawValue)
            columns.append(group.kind!)
            placeholders.append("$\(bindings.count)")
            for columnKind in [Kind.number, .text, .blob] {
                columns.append(group.columns[columnKind]!)
                placeholders.append(kind == columnKind ? Self.bind(value, as: columnKind, &bindings) : "NULL")
            }
        }
        let updates = columns.dropFirst().map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
        let sql = """
            INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders.joined(separator: ", ")))
            ON CONFLICT (key) DO UPDATE SET \(updates)
            """
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    /// One document of a multi-row upsert.
    struct Row {
        var key: String
        var json: String
        var values: [String: SQLValue]
    }

    /// An upsert of several documents with distinct keys, in one statement: each column travels as one array,
    /// and `unnest` turns the arrays back into rows.
    ///
    /// An array element cannot be `NULL` here, so a field's kind array carries 0 for an absent value and each
    /// value column is filled only where the kind says the value is of its kind.
    func upsert(table: String, rows: [Row]) -> PostgresQuery {
        var bindings = PostgresBindings()
        bindings.append(rows.map(\.key))
        bindings.append(rows.map(\.json))
        var columns = ["key", "document"]
        var selected = ["u.c1", "u.c2::json"]
        var arrays = ["$1::text[]", "$2::text[]"]
        for (index, field) in indexes.enumerated() {
            let group = Group(field: index)
            var kinds: [Int16] = []
            var numbers: [String] = []
            var texts: [String] = []
            var blobs: [ByteBuffer] = []
            for row in rows {
                let value = row.values[field] ?? .null
                let kind = Kind(of: value)
                kinds.append(kind?.rawValue ?? 0)
                numbers.append(kind == .number ? Self.numericText(value) : "0")
                texts.append(kind == .text ? value.string ?? "" : "")
                blobs.append(kind == .blob ? ByteBuffer(bytes: value.data ?? .init()) : ByteBuffer())
            }
            // Four arrays per indexed field after the key's and the document's: a handful of parameters.
            let first = bindings.count + 1
            bindings.append(kinds)
            bindings.append(numbers)
            bindings.append(texts)
            bindings.append(blobs)
            arrays += ["$\(first)::int2[]", "$\(first + 1)::text[]", "$\(first + 2)::text[]", "$\(first + 3)::bytea[]"]
            let kind = "u.c\(first)"
            // `ordered` is number, text, blob: the order of the arrays and of `selected` below.
            columns += [Group.kindColumn(index)] + group.ordered
            selected += [
                "NULLIF(\(kind), 0)",
                "CASE WHEN \(kind) = \(Kind.number.rawValue) THEN u.c\(first + 1)::numeric END",
                "CASE WHEN \(kind) = \(Kind.text.rawValue) THEN u.c\(first + 2) END",
                "CASE WHEN \(kind) = \(Kind.blob.rawValue) THEN u.c\(first + 3) END",
            ]
        }
        let names = (1...arrays.count).map { "c\($0)" }.joined(separator: ", ")
        let updates = columns.dropFirst().map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
        let sql = """
            INSERT INTO \(table) (\(columns.joined(separator: ", ")))
            SELECT \(selected.joined(separator: ", ")) FROM unnest(\(arrays.joined(separator: ", "))) AS u(\(names))
            ON CONFLICT (key) DO UPDATE SET \(updates)
            """
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    // MARK: Querying

    /// The `SELECT key, document` that answers `query`.
    ///
    /// - Throws: ReadStoreError with code `notIndexed` when the query uses a field that is not indexed.
    func select(table: String, collection: String, query: DocumentQuery) throws -> PostgresQuery {
        var bindings = PostgresBindings()
        var sql = "SELECT key, document FROM \(table)"
        if !query.conditions.isEmpty {
            let conditions = try query.conditions.map { condition in
                try Self.condition(group(of: condition.field, collection), condition.comparison, condition.value, &bindings)
            }
            sql += " WHERE " + conditions.joined(separator: " AND ")
        }
        let sort = try group(of: query.sortField ?? DocumentQuery.keyField, collection)
        sql += " ORDER BY " + Self.order(sort, descending: query.descending)
        if let limit = query.limit {
            bindings.append(Int64(max(0, limit)))
            sql += " LIMIT $\(bindings.count)"
        }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    private func group(of field: String, _ collection: String) throws -> Group {
        if field == DocumentQuery.keyField { return .key }
        guard let index = indexes.firstIndex(of: field) else {
            throw ReadStoreError(.notIndexed, "collection '\(collection)' has no index on '\(field)'")
        }
        return Group(field: index)
    }

    /// `field <op> value` with SQLite's rules, written so that the field's index can answer it: a value of the
    /// same kind is compared in its kind's column (the columns before it in the index are `NULL` then, which the
    /// index can match too), and values of other kinds compare by kind alone.
    static func condition(
        _ group: Group,
        _ comparison: DocumentCondition.Comparison,
        _ value: SQLValue,
        _ bindings: inout PostgresBindings
    ) -> String {
        guard let kind = Kind(of: value) else { return "FALSE" }
        let lower = group.columns.keys.contains { $0 < kind }
        let higher = group.columns.keys.contains { $0 > kind }
        // The rows of `kind` for which `column <op> value` holds; FALSE when the group has no such rows.
        func sameKind(_ sqlOperator: String) -> String {
            guard let column = group.columns[kind] else { return "FALSE" }
            let placeholder = bind(value, as: kind, &bindings)
            guard let kindColumn = group.kind else { return "\(column) \(sqlOperator) \(placeholder)" }
            let before = group.columns.filter { $0.key < kind }.sorted { $0.key < $1.key }.map { "\($0.value) IS NULL AND " }.joined()
            return "(\(kindColumn) = \(kind.rawValue) AND \(before)\(column) \(sqlOperator) \(placeholder))"
        }
        // The rows whose kind ranks below (or above) `kind`.
        func otherKinds(below: Bool) -> String? {
            guard below ? lower : higher else { return nil }
            guard let kindColumn = group.kind else { return "TRUE" }
            return "\(kindColumn) \(below ? "<" : ">") \(kind.rawValue)"
        }
        switch comparison {
        case .equal:
            return sameKind("=")
        case .notEqual:
            guard let kindColumn = group.kind else {
                return group.columns[kind] == nil ? "TRUE" : sameKind("<>")
            }
            guard let column = group.columns[kind] else { return "\(kindColumn) IS NOT NULL" }
            return "(\(kindColumn) <> \(kind.rawValue) OR \(column) <> \(bind(value, as: kind, &bindings)))"
        default:
            let below = comparison == .less || comparison == .lessOrEqual
            let terms = [sameKind(comparison.sqlOperator), otherKinds(below: below)].compactMap { $0 }
            return terms.count == 1 ? terms[0] : "(\(terms.joined(separator: " OR ")))"
        }
    }

    /// The order of `group`, ties broken by key, in the index's order (or exactly its reverse, so that a
    /// backward index scan serves a descending sort).
    static func order(_ group: Group, descending: Bool) -> String {
        guard let kind = group.kind else { return descending ? "key DESC" : "key ASC" }
        if descending {
            return "\(kind) DESC NULLS LAST, " + group.ordered.map { "\($0) DESC NULLS FIRST" }.joined(separator: ", ") + ", key DESC"
        }
        return "\(kind) ASC NULLS FIRST, " + group.ordered.map { "\($0) ASC NULLS LAST" }.joined(separator: ", ") + ", key ASC"
    }

    /// Binds `value` for a column of `kind` and returns its placeholder. Numbers travel as text and are cast to
    /// `numeric`, so a fraction reaches PostgreSQL with all its digits (a `float8` cast to `numeric` keeps 15).
    static func bind(_ value: SQLValue, as kind: Kind, _ bindings: inout PostgresBindings) -> String {
        switch kind {
        case .number:
            bindings.append(numericText(value))
            return "$\(bindings.count)::numeric"
        case .text:
            bindings.append(value.string ?? "")
            return "$\(bindings.count)"
        case .blob:
            bindings.append(ByteBuffer(bytes: value.data ?? .init()))
            return "$\(bindings.count)"
        }
    }

    /// A number as `numeric` input: integers exactly, fractions with the shortest digits that round-trip.
    static func numericText(_ value: SQLValue) -> String {
        if let integer = value.int64 { return String(integer) }
        let double = value.double ?? 0
        if double.isNaN { return "NaN" }
        if double.isInfinite { return double < 0 ? "-Infinity" : "Infinity" }
        return "\(double)"
    }
}
