//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// The shop's limits on text fields, in UTF-8 bytes (what storage and the wire pay for), not characters: a
/// field of 200 emoji is 800 bytes.
public enum TextField {
    /// A product's sku.
    public static let skuLimit = 64
    /// A customer's name.
    public static let nameLimit = 200
    /// Each part of a shipping address: street, city, postal code, country.
    public static let addressPartLimit = 200
    /// Why an order was cancelled.
    public static let reasonLimit = 500

    /// `text` trimmed of surrounding whitespace, when it is not empty, fits `limit` bytes and holds no control
    /// characters (which no name, sku or address needs, and which break logs and terminals).
    ///
    /// - Throws: InvalidField naming `field` otherwise.
    public static func validated(_ text: String, field: String, limit: Int) throws(InvalidField) -> String {
        // Most fields are printable ASCII (skus, postal codes): trimmed of spaces alone, with no control
        // characters to look for, they skip Foundation's character sets and Unicode's property tables.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            let bytes = text.utf8
            guard let first = bytes.firstIndex(where: { $0 != 0x20 }), let last = bytes.lastIndex(where: { $0 != 0x20 }) else {
                throw InvalidField(field, "must not be empty")
            }
            let trimmed = String(text[first...last])
            guard trimmed.utf8.count <= limit else { throw InvalidField(field, "must be at most \(limit) bytes of UTF-8") }
            return trimmed
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw InvalidField(field, "must not be empty") }
        guard trimmed.utf8.count <= limit else { throw InvalidField(field, "must be at most \(limit) bytes of UTF-8") }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw InvalidField(field, "must not contain control characters")
        }
        return trimmed
    }
}
