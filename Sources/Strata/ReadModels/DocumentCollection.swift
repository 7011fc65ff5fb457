//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// A document collection a projection declares: a name and the fields to index for lookups.
///
/// ```swift
/// DocumentCollection("orders", indexes: ["customerId", "status", "placedAt"])
/// ```
/// An index names a top-level field of the document's JSON, or a dotted path into nested objects
/// (`address.city`). Strings, numbers and booleans (stored as 0 and 1) can be indexed.
public struct DocumentCollection: Hashable, Sendable {
    /// The collection's name inside its projection.
    public var name: String
    /// The indexed fields.
    public var indexes: [String]

    public init(_ name: String, indexes: [String] = []) {
        self.name = name
        self.indexes = indexes
    }
}
