//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

enum DocumentChecks {
    static let all: [ReadStoreConformanceCheck] = [
        ReadStoreConformanceCheck("documents are stored, replaced, read and deleted by key", crud),
        ReadStoreConformanceCheck("document lookups filter and sort by indexed fields, with a limit", lookups),
        ReadStoreConformanceCheck("a lookup by a field that is not indexed, or in an unknown collection, is refused", refusals),
        ReadStoreConformanceCheck("documents read by many keys at once are exactly the stored ones, in a transaction too", manyKeys),
    ]

    struct Item: Codable, Hashable, Sendable {
        var name: String
        var group: String?
        var rank: Int
        var price: Double
        var active: Bool
        var address: [String: String]
    }

    static let indexes = ["group", "rank", "price", "active", "address.city"]

    static func items() -> [Item] {
        let groups = ["a", "b", "c"]
        return (0..<10).map { (index: Int) -> Item in
            let group: String? = index == 9 ? nil : groups[index % 3]
            let city = index < 5 ? "Paris" : "Lyon"
            return Item(
                name: "item\(index)", group: group, rank: 100 - index * 7, price: Double(index) + 0.5, active: index % 2 == 0, address: ["city": city]
            )
        }
    }

    static func withItems(_ backend: any ReadStoreConformanceBackend, _ check: (DocumentReader<Item>) async throws -> Void) async throws {
        try await withStores(backend) { _, readStore in
            try await readStore.withTransaction { tx in
                try await tx.createCollection("items__g1", indexes: indexes)
                let writer = DocumentWriter<Item>(collection: "items__g1", indexes: indexes, transaction: tx)
                for item in items() { try await writer.put(item, key: item.name) }
            }
            try await readStore.withReader { (reader: any ReadStoreReader) async throws -> Void in
                try await check(DocumentReader<Item>(collection: "items__g1", reader: reader))
            }
        }
    }

    static func manyKeys(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { _, readStore in
            let stored = try await readStore.withTransaction { tx in
                try await tx.createCollection("items__g1", indexes: indexes)
                let writer = DocumentWriter<Item>(collection: "items__g1", indexes: indexes, transaction: tx)
                for item in items() { try await writer.put(item, key: item.name) }
                // Inside the transaction that wrote them, with a key twice and one that was never stored.
                return try await tx.documents(keys: ["item3", "missing", "item0", "item3"], in: "items__g1")
            }
            #expect(Set(stored.keys) == ["item0", "item3"])
            #expect(try stored["item3"].map { try JSONDecoder().decode(Item.self, from: $0) } == items()[3])
            try await readStore.withReader { reader in
                let all = try await reader.documents(keys: items().map(\.name), in: "items__g1")
                let expected = Dictionary(uniqueKeysWithValues: items().map { ($0.name, $0) })
                #expect(try all.mapValues { try JSONDecoder().decode(Item.self, from: $0) } == expected)
                #expect(try await reader.documents(keys: [], in: "items__g1").isEmpty)
                await #expect(throws: ReadStoreError.self) { try await reader.documents(keys: ["item0"], in: "no_such_collection__g1") }
            }
        }
    }

    static func crud(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { _, readStore in
            try await readStore.withTransaction { tx in
                try await tx.createCollection("items__g1", indexes: indexes)
                try await tx.createCollection("items__g1", indexes: indexes)  // creating twice is harmless
                let writer = DocumentWriter<Item>(collection: "items__g1", indexes: indexes, transaction: tx)
                let item = items()[0]
                try await writer.put(item, key: "k")
                #expect(try await writer.get("k") == item)
                try await writer.update("k", default: item) { $0.rank = 1 }
                try await writer.update("new", default: items()[1]) { $0.rank = 2 }
                try await writer.updateIfPresent("absent") { $0.rank = 3 }
                #expect(try await writer.get("absent") == nil)
                try await writer.delete("new")
                try await writer.delete("never-there")
            }
            try await readStore.withReader { (reader: any ReadStoreReader) async throws -> Void in
                let documents = DocumentReader<Item>(collection: "items__g1", reader: reader)
                #expect(try await documents.get("k")?.rank == 1)
                #expect(try await documents.get("new") == nil)
                #expect(try await documents.find(.where("rank", .equal, 1)).map(\.name) == ["item0"], "an update moves the index value")
                #expect(try await documents.find(.where("rank", .equal, 100)).isEmpty)
            }
            try await readStore.withTransaction { tx in try await tx.dropCollection("items__g1") }
            await #expect(throws: ReadStoreError.self) {
                try await readStore.withReader { try await $0.document(key: "k", in: "items__g1") }
            }
        }
    }

    static func lookups(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withItems(backend) { documents in
            #expect(try await documents.find(.where("group", .equal, "a")).map(\.name) == ["item0", "item3", "item6"])
            #expect(
                try await documents.find(.where("group", .equal, "a").sorted(by: "rank")).map(\.name) == ["item6", "item3", "item0"]
            )
            #expect(try await documents.find(.all.sorted(by: "price", descending: true).limit(2)).map(\.name) == ["item9", "item8"])
            #expect(try await documents.find(.where("rank", .greaterOrEqual, 79).where("active", .equal, 1)).map(\.name) == ["item0", "item2"])
            #expect(try await documents.find(.where("price", .less, 2)).map(\.name) == ["item0", "item1"])
            #expect(try await documents.find(.where("address.city", .equal, "Lyon")).count == 5)
            #expect(try await documents.find(.where("group", .notEqual, "a")).count == 6, "NULL matches no comparison")
            #expect(try await documents.find(.where("key", .greater, "item7")).map(\.name) == ["item8", "item9"])
            #expect(try await documents.find(.all.limit(0)).isEmpty)
            let keyed = try await documents.findWithKeys(.where("group", .equal, "c").sorted(by: "rank", descending: true).limit(1))
            #expect(keyed.map(\.key) == ["item2"])
        }
    }

    static func refusals(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withItems(backend) { documents in
            await #expect {
                _ = try await documents.find(.where("name", .equal, "item1"))
            } throws: { error in
                (error as? ReadStoreError)?.code == .notIndexed
            }
            await #expect {
                _ = try await documents.find(.all.sorted(by: "name"))
            } throws: { error in
                (error as? ReadStoreError)?.code == .notIndexed
            }
            await #expect {
                _ = try await DocumentReader<Item>(collection: "missing__g1", reader: documents.reader).get("k")
            } throws: { error in
                (error as? ReadStoreError)?.code == .unknownName
            }
        }
    }
}
