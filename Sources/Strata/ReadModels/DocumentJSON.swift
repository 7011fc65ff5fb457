//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// A document's JSON exactly as the read store holds it.
///
/// A read model is denormalized so that reading it is cheap: a query that only hands a document on (an HTTP
/// API, say) can answer with these bytes instead of decoding the document and encoding it again. They are
/// what the projection wrote: the document's fields with sorted keys, dates in ISO 8601.
///
/// ```swift
/// let json = try await reader.documents("orders", of: "shop-views", as: OrderDetails.self).json("order-7")
/// let order = try json?.decode()
/// ```
public struct DocumentJSON<Document: Decodable>: Sendable {
    /// The document's key.
    public let key: String
    /// The UTF-8 JSON of the document.
    public let bytes: Data
    /// The physical collection it was read from, for errors.
    let collection: String

    /// The document, decoded.
    ///
    /// - Throws: ``ReadStoreError`` with code `corruptData` when the bytes do not decode as `Document`.
    public func decode() throws -> Document {
        try DocumentCoding.decode(Document.self, from: bytes, key: key, collection: collection)
    }
}
