//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataSQLite
import Testing

@Suite("strata streams list over more streams than one page, with a deleted one", .timeLimit(.minutes(10)))
struct StreamsListCommandTests {
    @Test("every stream is listed across pages, in id order; a deleted stream is marked; --limit cuts across pages")
    func pagesAndDeletions() async throws {
        try await TestStore.with { store in
            // The command reads 1,000 streams a page: 1,005 make it turn one.
            let events = try await SQLiteEventStore.open(path: store.path)
            let ids = (0..<1005).map { String(format: "s%04d", $0) }
            for id in ids {
                _ = try await events.append(
                    [NewEvent(type: "Tested", data: Data("{}".utf8))], to: StreamID(category: "item", id: id), expecting: .noStream)
            }
            _ = try await events.append(
                [NewEvent(type: "Tested", data: Data("{}".utf8))], to: StreamID(category: "other", id: "1"), expecting: .noStream)
            _ = try await events.deleteStream(StreamID(category: "item", id: "s0003"), expecting: .any)
            try events.close()

            let all = try await store.run(["streams", "list", "--category", "item", "--json"])
            #expect(all.status == 0, "\(all.stderr)")
            let lines = try all.jsonLines()
            #expect(lines.compactMap { $0["stream"] as? String } == ids.map { "item-\($0)" })
            let deleted = try #require(lines.first { $0["stream"] as? String == "item-s0003" })
            #expect(deleted["deleted"] as? Bool == true)
            #expect(deleted["eventCount"] as? Int == 2, "the deletion is an event of the stream")
            #expect(deleted["version"] as? Int == 1)
            #expect(deleted["lastPosition"] as? Int == 1007)
            #expect(lines.filter { $0["deleted"] as? Bool == true }.count == 1)

            let limited = try await store.run(["streams", "list", "--limit", "1002", "--json"])
            #expect(try limited.jsonLines().count == 1002)

            let table = try await store.run(["streams", "list", "--category", "item", "--limit", "5"])
            let rows = table.stdout.split(separator: "\n").map(String.init)
            #expect(rows.count == 6)
            #expect(rows[0].hasPrefix("STREAM      VERSION  EVENTS  LAST POSITION  LAST EVENT"))
            #expect(rows[4].hasPrefix("item-s0003  1        2       1007           "))
            #expect(rows[4].hasSuffix("  yes"))
            #expect(rows[1].hasSuffix("  -"))

            let none = try await store.run(["streams", "list", "--category", "missing"])
            #expect(none.status == 0)
            #expect(none.stdout == "no streams in category missing\n")
            #expect(try await store.run(["streams", "list", "--category", "missing", "--json"]).stdout.isEmpty)

            // The two categories, each with its last event: the deletion is item's.
            let categories = try await store.run(["streams", "categories", "--json"])
            #expect(categories.status == 0, "\(categories.stderr)")
            let named = try categories.jsonLines()
            #expect(named.compactMap { $0["category"] as? String } == ["item", "other"])
            #expect(named.compactMap { $0["lastPosition"] as? Int } == [1007, 1006])
            let categoryTable = try await store.run(["streams", "categories"]).stdout.split(separator: "\n")
            #expect(categoryTable.count == 3)
            #expect(categoryTable[1].hasPrefix("item      1007           "))
        }
    }
}
