//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Synchronization

/// The ``LosslessDocument``s a projection's batches wrote, with the JSON they were written as, kept for the
/// batches after.
///
/// A document is given back only for the exact bytes it was written as: if the batch that wrote it rolled back,
/// another process wrote the document since, or anything else changed it, the store holds other bytes and the
/// document is decoded from them as usual. Bounded by ``maximumBytes`` of JSON: past it, everything is forgotten
/// and the memory fills again from the next batches.
final class DecodedDocuments: Sendable {
    /// How much JSON the remembered documents may add up to.
    static let maximumBytes = 4 << 20

    private struct Remembered {
        var json: Data
        var document: any LosslessDocument
    }

    private struct State: @unchecked Sendable {
        // Holds value-typed documents only (see remember(_:json:key:collection:)), each a copy of its own.
        var documents: [String: [String: Remembered]] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())

    /// The document last written under `key` as `json`, if that is what is remembered for it.
    func document<Document>(_ type: Document.Type, key: String, collection: String, storedAs json: Data) -> Document? {
        state.withLock { state in
            guard let remembered = state.documents[collection]?[key], remembered.json == json else { return nil }
            return remembered.document as? Document
        }
    }

    /// Remembers `document` as written under `key` as `json`, when it is a lossless value.
    func remember(_ document: any Codable, json: Data, key: String, collection: String) {
        guard let document = document as? any LosslessDocument, !(type(of: document) is AnyClass) else { return }
        state.withLock { state in
            // What was remembered for the key is stale either way.
            state.bytes -= state.documents[collection]?.removeValue(forKey: key)?.json.count ?? 0
            // A document larger than the whole bound is not kept, and does not push out the others.
            guard json.count <= Self.maximumBytes else { return }
            if state.bytes + json.count > Self.maximumBytes {
                state.documents.removeAll()
                state.bytes = 0
            }
            state.documents[collection, default: [:]][key] = Remembered(json: json, document: document)
            state.bytes += json.count
        }
    }
}
