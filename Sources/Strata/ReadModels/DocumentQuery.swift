//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// A lookup in a document collection: conditions on indexed fields, an order and a limit.
///
/// ```swift
/// let open = DocumentQuery.where("customerId", .equal, "c-1").where("status", .equal, "open")
///     .sorted(by: "placedAt", descending: true).limit(10)
/// ```
/// Every field used must be one of the collection's indexes (or `key`, the document key), so every lookup is
/// answered from a database index.
public struct DocumentQuery: Hashable, Sendable {
    /// The field that names the document key in conditions and sorting.
    public static let keyField = "key"

    /// The conditions, all of which must hold.
    public var conditions: [DocumentCondition]
    /// The field to sort by, or `nil` for key order.
    public var sortField: String?
    /// Whether to sort from the largest value.
    public var descending: Bool
    /// The most documents to return, or `nil` for all.
    public var limit: Int?

    public init(conditions: [DocumentCondition] = [], sortField: String? = nil, descending: Bool = false, limit: Int? = nil) {
        self.conditions = conditions
        self.sortField = sortField
        self.descending = descending
        self.limit = limit
    }

    /// Every document, in key order.
    public static let all = DocumentQuery()

    /// A query with one condition.
    public static func `where`(_ field: String, _ comparison: DocumentCondition.Comparison, _ value: SQLValue) -> DocumentQuery {
        DocumentQuery(conditions: [DocumentCondition(field: field, comparison: comparison, value: value)])
    }

    /// This query with one more condition.
    public func `where`(_ field: String, _ comparison: DocumentCondition.Comparison, _ value: SQLValue) -> DocumentQuery {
        var copy = self
        copy.conditions.append(DocumentCondition(field: field, comparison: comparison, value: value))
        return copy
    }

    /// This query, sorted by `field`; ties are broken by key.
    public func sorted(by field: String, descending: Bool = false) -> DocumentQuery {
        var copy = self
        copy.sortField = field
        copy.descending = descending
        return copy
    }

    /// This query, returning at most `count` documents.
    public func limit(_ count: Int) -> DocumentQuery {
        var copy = self
        copy.limit = count
        return copy
    }

    /// The fields the query uses, which must all be indexed.
    public var fields: Set<String> {
        var fields = Set(conditions.map(\.field))
        if let sortField { fields.insert(sortField) }
        fields.remove(Self.keyField)
        return fields
    }
}

/// One condition of a ``DocumentQuery``: an indexed field compared with a value.
public struct DocumentCondition: Hashable, Sendable {
    /// How a field is compared with a value.
    public struct Comparison: Hashable, Sendable, CustomStringConvertible {
        /// The SQL operator.
        public let sqlOperator: String

        /// The field equals the value.
        public static let equal = Comparison(sqlOperator: "=")
        /// The field differs from the value.
        public static let notEqual = Comparison(sqlOperator: "<>")
        /// The field is less than the value.
        public static let less = Comparison(sqlOperator: "<")
        /// The field is at most the value.
        public static let lessOrEqual = Comparison(sqlOperator: "<=")
        /// The field is greater than the value.
        public static let greater = Comparison(sqlOperator: ">")
        /// The field is at least the value.
        public static let greaterOrEqual = Comparison(sqlOperator: ">=")

        /// Whether `lhs` compared with `rhs` holds, by SQL rules: nothing compares true with `NULL`.
        public func holds(_ lhs: SQLValue, _ rhs: SQLValue) -> Bool {
            if lhs.isNull || rhs.isNull { return false }
            switch self {
            case .equal: return lhs == rhs || (lhs.double != nil && lhs.double == rhs.double)
            case .notEqual: return !Comparison.equal.holds(lhs, rhs)
            case .less: return lhs < rhs
            case .lessOrEqual: return !(rhs < lhs)
            case .greater: return rhs < lhs
            default: return !(lhs < rhs)
            }
        }

        public var description: String { sqlOperator }
    }

    /// The indexed field, or ``DocumentQuery/keyField``.
    public var field: String
    /// How it is compared.
    public var comparison: Comparison
    /// The value compared with.
    public var value: SQLValue

    public init(field: String, comparison: Comparison, value: SQLValue) {
        self.field = field
        self.comparison = comparison
        self.value = value
    }
}
