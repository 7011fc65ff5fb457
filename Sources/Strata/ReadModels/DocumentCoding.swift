//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// How documents become JSON and indexed values, the same way for every backend.
enum DocumentCoding {
    // Shared by every call: setting up a coder costs more than coding a small document, and a coder whose
    // settings never change after this codes on any number of threads at once.
    // The bytes may be served as they are (DocumentJSON), so they read as an API's JSON does.
    private static let encoder = JSONEncoder.strata(.readable)
    private static let decoder = JSONDecoder.strata()

    static func encode<Document: Encodable>(_ document: Document) throws -> Data {
        try encoder.encode(document)
    }

    static func decode<Document: Decodable>(_ type: Document.Type, from json: Data, key: String, collection: String) throws -> Document {
        do {
            return try decoder.decode(type, from: json)
        } catch {
            throw ReadStoreError(.corruptData, "document '\(key)' of collection '\(collection)' does not decode as \(type)", underlying: error)
        }
    }

    /// The value of each field of `indexes` in `json`; ``SQLValue/null`` for a missing field or one that is an
    /// array or object.
    static func indexValues(of json: Data, indexes: [String]) throws -> [String: SQLValue] {
        try IndexReader(indexes).values(of: json)
    }

    /// Reads the indexed fields of many documents of one collection with one decoder.
    struct IndexReader {
        let indexes: [String]
        private let decoder: JSONDecoder?

        init(_ indexes: [String]) {
            self.indexes = indexes
            guard !indexes.isEmpty else {
                decoder = nil
                return
            }
            let decoder = JSONDecoder()
            decoder.userInfo[IndexedFields.indexesKey] = indexes
            self.decoder = decoder
        }

        /// The value of each indexed field in `json`; ``SQLValue/null`` for a missing field or one that is an
        /// array or object.
        func values(of json: Data) throws -> [String: SQLValue] {
            guard let decoder else { return [:] }
            return try decoder.decode(IndexedFields.self, from: json).values
        }
    }
}

/// Decodes only a document's indexed fields: indexing a large document (an order with hundreds of lines) then
/// costs a scan of its JSON, not a tree of every value in it.
private struct IndexedFields: Decodable {
    static let indexesKey = CodingUserInfoKey(rawValue: "strata.documentIndexes")!

    struct FieldKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: some StringProtocol) { stringValue = String(name) }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    var values: [String: SQLValue] = [:]

    init(from decoder: any Decoder) throws {
        let indexes = decoder.userInfo[Self.indexesKey] as? [String] ?? []
        // A document that is not an object has no fields: every index is null, as is a missing field.
        let root = try? decoder.container(keyedBy: FieldKey.self)
        for index in indexes {
            let path = index.split(separator: ".")
            var container = root
            for component in path.dropLast() {
                container = try? container?.nestedContainer(keyedBy: FieldKey.self, forKey: FieldKey(component))
            }
            let value = path.last.flatMap { name in try? container?.decodeIfPresent(JSONValue.self, forKey: FieldKey(name)) }
            values[index] = value?.sqlValue ?? .null
        }
    }
}

extension JSONValue {
    /// The value of an indexed field: scalars only.
    fileprivate var sqlValue: SQLValue? {
        switch self {
        case .null: .null
        case .bool(let value): .integer(value ? 1 : 0)
        case .int(let value): .integer(value)
        case .double(let value): .real(value)
        // Beyond Int64 or Double's digits: the nearest real, as such a number was indexed before JSONValue had
        // decimals. Parsing a description rounds correctly, which converting through NSDecimalNumber does not.
        case .decimal(let value): Double(value.description).map { .real($0) }
        case .string(let value): .text(value)
        case .array, .object: nil
        }
    }
}
