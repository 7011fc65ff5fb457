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

/// Just enough of JSON to find indexed fields.
private enum JSONValue: Decodable {
    case scalar(SQLValue)
    case object([String: JSONValue])
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .scalar(.null)
        } else if let value = try? container.decode(Bool.self) {
            self = .scalar(.integer(value ? 1 : 0))
        } else if let value = try? container.decode(Int64.self) {
            self = .scalar(.integer(value))
        } else if let value = try? container.decode(Double.self) {
            self = .scalar(.real(value))
        } else if let value = try? container.decode(String.self) {
            self = .scalar(.text(value))
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            self = .other
        }
    }

    var sqlValue: SQLValue? {
        if case .scalar(let value) = self { return value }
        return nil
    }
}
