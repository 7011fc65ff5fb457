//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// How documents become JSON and indexed values, the same way for every backend.
enum DocumentCoding {
    static func encode<Document: Encodable>(_ document: Document) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(document)
    }

    static func decode<Document: Decodable>(_ type: Document.Type, from json: Data, key: String, collection: String) throws -> Document {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(type, from: json)
        } catch {
            throw ReadStoreError(.corruptData, "document '\(key)' of collection '\(collection)' does not decode as \(type)", underlying: error)
        }
    }

    /// The value of each field of `indexes` in `json`; SQLValue/null for a missing field or one that is an
    /// array or object.
    static func indexValues(of json: Data, indexes: [String]) throws -> [String: SQLValue] {
        guard !indexes.isEmpty else { return [:] }
        let root = try JSONDecoder().decode(JSONValue.self, from: json)
        var values: [String: SQLValue] = [:]
        for index in indexes {
            var node: JSONValue? = root
            for component in index.split(separator: ".") {
                if case .object(let object) = node { node = object[String(component)] } else { node = nil }
            }
            values[index] = node?.sqlValue ?? .null
        }
        return values
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
        case .string(let value): .text(value)
        case .array, .object: nil
        }
    }
}
