//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// One value passed to or read from SQL: null, a 64-bit integer, a double, text or bytes.
///
/// A struct rather than an enum so that backends can grow more kinds (timestamps, UUIDs) without breaking
/// users. It is also the type of a document's indexed fields.
///
/// ```swift
/// try await sql.execute("UPDATE totals SET amount = amount + ? WHERE id = ?", [.integer(5), "order-1"])
/// ```
public struct SQLValue: Hashable, Sendable, CustomStringConvertible {
    enum Storage: Hashable, Sendable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case blob(Data)
    }

    let storage: Storage

    /// SQL `NULL`.
    public static let null = SQLValue(storage: .null)
    /// An integer.
    public static func integer(_ value: Int64) -> SQLValue { SQLValue(storage: .integer(value)) }
    /// A floating-point number.
    public static func real(_ value: Double) -> SQLValue { SQLValue(storage: .real(value)) }
    /// Text.
    public static func text(_ value: String) -> SQLValue { SQLValue(storage: .text(value)) }
    /// Bytes.
    public static func blob(_ value: Data) -> SQLValue { SQLValue(storage: .blob(value)) }

    /// Whether this is `NULL`.
    public var isNull: Bool { storage == .null }
    /// The integer, when it is an integer (not a real).
    public var int64: Int64? {
        if case .integer(let value) = storage { return value }
        return nil
    }
    /// The value as a `Double` when it is a number.
    public var double: Double? {
        switch storage {
        case .integer(let value): Double(value)
        case .real(let value): value
        default: nil
        }
    }
    /// The text, when it is text.
    public var string: String? {
        if case .text(let value) = storage { return value }
        return nil
    }
    /// The bytes, when it is a blob.
    public var data: Data? {
        if case .blob(let value) = storage { return value }
        return nil
    }

    public var description: String {
        switch storage {
        case .null: "NULL"
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .text(let value): "'\(value)'"
        case .blob(let value): "<\(value.count) bytes>"
        }
    }
}

extension SQLValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral {
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension SQLValue: Comparable {
    /// SQLite's order across kinds: null, then numbers, then text, then blobs. Integers and reals compare as
    /// numbers, so an in-memory read store sorts and filters the way SQL does.
    public static func < (lhs: SQLValue, rhs: SQLValue) -> Bool {
        switch (lhs.storage, rhs.storage) {
        case (.text(let a), .text(let b)): return a < b
        case (.blob(let a), .blob(let b)): return a.lexicographicallyPrecedes(b)
        default:
            if let a = lhs.double, let b = rhs.double {
                if case .integer(let x) = lhs.storage, case .integer(let y) = rhs.storage { return x < y }
                return a < b
            }
            return lhs.rank < rhs.rank
        }
    }

    private var rank: Int {
        switch storage {
        case .null: 0
        case .integer, .real: 1
        case .text: 2
        case .blob: 3
        }
    }
}

/// One row a SQL query returned: its column names and values, in order.
public struct SQLRow: Hashable, Sendable {
    /// The column names, in the order of the `SELECT`.
    public var columns: [String]
    /// The values, one per column.
    public var values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The value of the first column named `column`, or ``SQLValue/null`` when there is none.
    public subscript(column: String) -> SQLValue {
        guard let index = columns.firstIndex(of: column) else { return .null }
        return values[index]
    }

    /// The value at `index`.
    public subscript(index: Int) -> SQLValue { values[index] }
}
