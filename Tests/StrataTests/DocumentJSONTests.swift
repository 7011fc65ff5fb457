//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

@Suite("a document's stored JSON", .timeLimit(.minutes(5)))
struct DocumentJSONTests {
    private struct Parcel: Codable, Equatable, Sendable {
        var route: String
        var weight: Int
    }

    @Test("is the document's JSON with sorted keys and unescaped slashes, decodes to the document, and is nil for a missing key")
    func storedBytes() async throws {
        let readStore = InMemoryReadStore()
        let parcel = Parcel(route: "a/b", weight: 3)
        try await readStore.withTransaction { transaction in
            try await transaction.createCollection("parcels", indexes: [])
            try await DocumentWriter<Parcel>(collection: "parcels", indexes: [], transaction: transaction).put(parcel, key: "p-1")
        }
        let (json, missing) = try await readStore.withReader { reader in
            let parcels = DocumentReader<Parcel>(collection: "parcels", reader: reader)
            return (try await parcels.json("p-1"), try await parcels.json("p-2"))
        }
        let stored = try #require(json)
        #expect(String(decoding: stored.bytes, as: UTF8.self) == #"{"route":"a/b","weight":3}"#)
        #expect(stored.key == "p-1")
        #expect(try stored.decode() == parcel)
        #expect(missing == nil)
    }
}
