//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Synchronization

/// The documents a projection batch has read or written, held in memory until the batch commits.
///
/// A batch often touches one document many times (ten events of one account, one after another). Without the
/// cache each event would read, decode, encode and write that document again, with two calls into the read
/// store; with it, the batch reads each document once, changes the decoded value in place, and writes it once
/// when the batch ends (flush()), in the same transaction as the checkpoint. A failed batch rolls back, and its
/// cache goes with it.
///
/// Only ``DocumentWriter`` uses it, from one batch at a time: calls never overlap, the lock only keeps the type
/// honest about being shared.
final class DocumentBatchCache: Sendable {
    enum Entry {
        /// The document as decoded or last put, and whether the store has yet to see it.
        case present(any Codable, indexes: [String], dirty: Bool)
        /// Deleted in this batch, or known to be absent (then not dirty).
        case absent(dirty: Bool)
        /// Read ahead of the batch (``Projection/documentKeys(for:)``) and not yet decoded: the type is known only
        /// when a handler asks for it.
        case stored(Data)
    }

    private struct Collections: @unchecked Sendable {
        // Holds decoded documents of any Codable type; they never leave the batch that owns the cache.
        var entries: [String: [String: Entry]] = [:]
    }

    private let state = Mutex(Collections())

    /// Where the projection keeps lossless documents decoded between batches, if it does.
    let decoded: DecodedDocuments?

    init(decoded: DecodedDocuments? = nil) {
        self.decoded = decoded
    }

    func entry(_ key: String, in collection: String) -> Entry? {
        state.withLock { $0.entries[collection]?[key] }
    }

    func set(_ entry: Entry, for key: String, in collection: String) {
        state.withLock { $0.entries[collection, default: [:]][key] = entry }
    }

    /// Writes every changed document of `collection` (of every collection when `nil`) through `transaction`.
    func flush(_ collection: String? = nil, to transaction: any ReadStoreTransaction) async throws {
        let pending: [(collection: String, key: String, entry: Entry)] = state.withLock { state in
            var pending: [(String, String, Entry)] = []
            for (name, entries) in state.entries where collection == nil || name == collection {
                for (key, entry) in entries {
                    switch entry {
                    case .present(let document, let indexes, dirty: true):
                        pending.append((name, key, entry))
                        state.entries[name]?[key] = .present(document, indexes: indexes, dirty: false)
                    case .absent(dirty: true):
                        pending.append((name, key, entry))
                        state.entries[name]?[key] = .absent(dirty: false)
                    default:
                        break
                    }
                }
            }
            // Sorted, so that every run writes in the same order (and takes row locks in the same order).
            return pending.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        }
        // Consecutive puts to one collection go to the store together, in the same order.
        var puts: [DocumentPut] = []
        var putsCollection = ""
        func writePuts() async throws {
            guard !puts.isEmpty else { return }
            try await transaction.putDocuments(puts, in: putsCollection)
            puts.removeAll()
        }
        var indexReader: DocumentCoding.IndexReader?
        for (collection, key, entry) in pending {
            if collection != putsCollection { try await writePuts() }
            putsCollection = collection
            switch entry {
            case .present(let document, let indexes, _):
                let json = try DocumentCoding.encode(document)
                decoded?.remember(document, json: json, key: key, collection: collection)
                // A collection's documents share its indexes: one reader for them all.
                let reader = indexReader.flatMap { $0.indexes == indexes ? $0 : nil } ?? DocumentCoding.IndexReader(indexes)
                indexReader = reader
                puts.append(DocumentPut(key: key, document: json, indexValues: try reader.values(of: json)))
            case .absent:
                try await writePuts()
                try await transaction.deleteDocument(key: key, in: collection)
            case .stored:
                // Read ahead and never changed: never pending.
                break
            }
        }
        try await writePuts()
    }
}
