//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// A JSON value, for code that reshapes event data without a Swift type for it: raw upcasters and
/// crypto-shredding.
///
/// ```swift
/// var object: JSONValue = ["amount": 12, "currency": "EUR"]
/// object["amountCents"] = object["amount"].map { .int(($0.intValue ?? 0) * 100) }
/// object["amount"] = nil
/// ```
///
/// ## Numbers
///
/// Parsing keeps a number's digits, because what parses here is often written back to the store (a raw
/// upcaster's output, a shredded event). Each number becomes the first case that holds it exactly:
///
/// - ``int(_:)``: an integer that fits `Int64`. JSON does not tell `1.0` or `1e2` from `1` or `100`, nor does this.
/// - ``decimal(_:)``: an integer beyond `Int64` below 10³⁸ (such as `18446744073709551615`), so that it stays an
///   integer in the output, and any other number with more significant digits than `Double` keeps (such as
///   `0.1234567890123456789`). `Decimal` keeps 38 significant digits; digits beyond those are lost.
/// - ``double(_:)``: every other number: a fraction that `Double` reproduces (`0.1`, `2.5e-8`), a magnitude
///   beyond `Decimal`'s range (`1e300`), and `-0`, whose sign only `Double` keeps.
///
/// "Reproduces" means that `Double`'s shortest form, which is what ``encoded()`` writes, is the same number as
/// the text. So parsing and encoding again keeps the value of every number up to 38 significant digits; its
/// spelling can change (`1.0` becomes `1`, `1e20` becomes `100000000000000000000`).
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// A number that neither ``int(_:)`` nor ``double(_:)`` holds exactly; see "Numbers" above.
    case decimal(Decimal)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses JSON text.
    public init(parsing data: Data) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// The value as compact JSON text with sorted keys.
    public func encoded() throws -> Data {
        try JSONEncoder.strata(.readable).encode(self)
    }

    /// A member of an object; `nil` for other values or a missing key. Setting `nil` removes the member.
    public subscript(key: String) -> JSONValue? {
        get {
            guard case .object(let members) = self else { return nil }
            return members[key]
        }
        set {
            guard case .object(var members) = self else { return }
            members[key] = newValue
            self = .object(members)
        }
    }

    /// The string, for `.string`.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The integer, for `.int` (and `.double` or `.decimal` with no fraction that fits `Int64`).
    public var intValue: Int64? {
        switch self {
        case .int(let value): return value
        case .double(let value) where value.rounded() == value: return Int64(exactly: value)
        // An integral Decimal's description has neither fraction nor exponent.
        case .decimal(let value): return Int64(value.description)
        default: return nil
        }
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            // JSONDecoder reads -0 and -0.0 as the integer 0: only Double keeps the sign.
            if value == 0, let double = try? container.decode(Double.self), double.sign == .minus {
                self = .double(double)
            } else {
                self = .int(value)
            }
        } else if let value = try? container.decode(Double.self) {
            self = Self.number(value, exactly: try? container.decode(Decimal.self))
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .decimal(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The case for a number that is not an `Int64`, given as `Double` and, when within its range, as `Decimal`
    /// (exact up to 38 significant digits); the rule is in "Numbers" on ``JSONValue``.
    private static func number(_ double: Double, exactly decimal: Decimal?) -> JSONValue {
        guard let decimal else { return .double(double) }
        if decimal.magnitude < largestExactInteger, isInteger(decimal) { return .decimal(decimal) }
        return Decimal(string: double.description) == decimal ? .double(double) : .decimal(decimal)
    }

    /// 10³⁸: every integer below it has at most 38 digits, which a `Decimal` holds exactly.
    private static let largestExactInteger = Decimal(sign: .plus, exponent: 38, significand: 1)

    private static func isInteger(_ value: Decimal) -> Bool {
        var value = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 0, .plain)
        return rounded == value
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
