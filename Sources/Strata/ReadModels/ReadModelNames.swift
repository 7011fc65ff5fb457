//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// The physical names of a projection's collections and tables, which carry its generation.
///
/// A rebuild writes generation *n + 1* beside generation *n* under different names, so queries keep reading
/// the old one until the switch. Names contain only `[a-z0-9_]`, so they need no quoting in SQLite or
/// PostgreSQL: `order_summary__orders__g2`.
public enum ReadModelNames {
    /// The physical name of the collection or table `name` of generation `generation` of `projection`.
    public static func physicalName(projection: String, name: String, generation: Int) -> String {
        "\(sanitize(projection))__\(sanitize(name))__g\(generation)"
    }

    private static func sanitize(_ text: String) -> String {
        // Names are computed for every document a projection touches; ASCII ones (nearly all) skip Unicode
        // case mapping.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): bytes.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): bytes.append(byte + 32)
            case 0x80...: return sanitizeUnicode(text)
            default: bytes.append(UInt8(ascii: "_"))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func sanitizeUnicode(_ text: String) -> String {
        String(
            text.lowercased().unicodeScalars.map { scalar in
                ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) ? Character(scalar) : "_"
            })
    }
}

/// The physical names of a projection's SQL tables in one generation, for migrations and handlers.
///
/// ```swift
/// "CREATE TABLE \(tables["totals"]) (customer TEXT PRIMARY KEY, amount INTEGER NOT NULL)"
/// ```
public struct ReadModelTables: Sendable {
    /// The projection.
    public let projection: String
    /// The generation.
    public let generation: Int

    public init(projection: String, generation: Int) {
        self.projection = projection
        self.generation = generation
    }

    /// The physical name of table `name`.
    public subscript(name: String) -> String {
        ReadModelNames.physicalName(projection: projection, name: name, generation: generation)
    }
}
