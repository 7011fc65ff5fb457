//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// The identifier of one event stream, such as `order-42`.
///
/// A stream id is a non-empty string of at most maximumLength UTF-8 bytes with no whitespace or control
/// characters. By convention the part before the first `-` names the stream's category: `order-42` and
/// `order-43` are both in category `order`. Subscriptions and reads of the whole log can be filtered by category.
///
/// ```swift
/// let stream = try StreamID("order-42")
/// stream.category  // "order"
/// let other = StreamID(category: "order", id: "43")
/// ```
public struct StreamID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The longest stream id accepted, in UTF-8 bytes.
    public static let maximumLength = 200

    /// The stream id as text.
    public let rawValue: String

    /// Validates and wraps a stream id.
    ///
    /// - Parameter rawValue: The stream id.
    /// - Throws: ``InvalidStreamID`` when the id is empty, longer than maximumLength bytes, or contains
    ///   whitespace or control characters.
    public init(_ rawValue: String) throws(InvalidStreamID) {
        if let reason = Self.problem(with: rawValue) {
            throw InvalidStreamID(value: rawValue, reason: reason)
        }
        self.rawValue = rawValue
    }

    /// Builds `category-id`.
    ///
    /// - Precondition: Both parts are valid stream id text and `category` contains no `-`.
    public init(category: String, id: String) {
        let rawValue = "\(category)-\(id)"
        // A byte scan for the dash: String's `contains` with a string argument goes through Foundation's
        // substring search, which cost as much as the rest of building the id.
        precondition(
            Self.problem(with: rawValue) == nil && !category.isEmpty && !category.utf8.contains(UInt8(ascii: "-")), "invalid stream id '\(rawValue)'")
        self.rawValue = rawValue
    }

    /// The category: the part before the first `-`, or the whole id when it has none.
    public var category: String {
        Self.category(of: rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: StreamID, rhs: StreamID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The category of a raw stream id, by the same rule as category.
    public static func category(of rawValue: String) -> String {
        if let dash = rawValue.firstIndex(of: "-") {
            return String(rawValue[..<dash])
        }
        return rawValue
    }

    private static func problem(with value: String) -> String? {
        if value.isEmpty { return "a stream id must not be empty" }
        if value.utf8.count > maximumLength { return "a stream id must be at most \(maximumLength) bytes, this one has \(value.utf8.count)" }
        // Stream ids are nearly always ASCII, and every id read back from a store is checked again: a byte scan
        // decides those without looking up Unicode properties, which would cost more than the rest of a read.
        var asciiOnly = true
        for byte in value.utf8 {
            if byte >= 0x80 {
                asciiOnly = false
                break
            }
            // ASCII whitespace and control characters are exactly 0x00–0x20 and 0x7F.
            if byte <= 0x20 || byte == 0x7F { return whitespaceOrControl }
        }
        if !asciiOnly, value.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            return whitespaceOrControl
        }
        return nil
    }

    private static var whitespaceOrControl: String { "a stream id must not contain whitespace or control characters" }
}

extension StreamID: ExpressibleByStringLiteral {
    /// Creates a stream id from a literal that is known to be valid.
    ///
    /// - Precondition: The literal is a valid stream id.
    public init(stringLiteral value: String) {
        do {
            try self.init(value)
        } catch {
            preconditionFailure("\(error)")
        }
    }
}

extension StreamID: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
