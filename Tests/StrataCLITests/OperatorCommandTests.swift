//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataSQLite
import StrataTestSupport
import Testing

@Suite("strata streams, stats and projections on a store the shop service wrote", .timeLimit(.minutes(10)))
struct OperatorCommandTests {
    /// Serves the shop on `store`, registers a customer with two orders, and stops the service.
    private static func shopData(in store: TestStore) async throws -> (customer: String, orders: [String]) {
        let service = try await ServeProcess.start(["--store", store.url], in: store.folder)
        let customer = try #require(
            try await service.request("POST", "/customers", json: #"{"name":"Ada","email":"ada@example.com"}"#).json["id"] as? String
        )
        var orders: [String] = []
        for _ in 0..<2 {
            orders.append(try #require(try await service.request("POST", "/orders", json: #"{"customerId":"\#(customer)"}"#).json["id"] as? String))
        }
        let line = try await service.request("POST", "/orders/\(orders[0])/lines", json: #"{"sku":"book","quantity":1,"unitPriceCents":100}"#)
        let head = try #require(line.json["position"] as? Int)
        #expect(try await service.request("GET", "/orders/\(orders[0])", headers: ["Strata-Min-Position": "\(head)"]).status == 200)
        #expect(await service.stop() == 0)
        return (customer, orders)
    }

    @Test("streams list shows every stream, or a category's, or those whose id starts so, as a table or JSON lines")
    func streamsList() async throws {
        try await TestStore.with { store in
            let (customer, orders) = try await Self.shopData(in: store)
            let table = try await store.run(["streams", "list"])
            #expect(table.status == 0, "\(table.stderr)")
            #expect(table.stdout.hasPrefix("STREAM"))
            #expect(table.stdout.contains("customer-\(customer)"))

            let json = try await store.run(["streams", "list", "--category", "order", "--json"])
            let lines = try json.jsonLines()
            #expect(lines.compactMap { $0["stream"] as? String }.sorted() == orders.map { "order-\($0)" }.sorted())
            let first = try #require(lines.first { $0["stream"] as? String == "order-\(orders[0])" })
            #expect(first["version"] as? Int == 1)
            #expect(first["eventCount"] as? Int == 2)
            #expect(first["deleted"] as? Bool == false)

            let prefixed = try await store.run(["streams", "list", "--prefix", "order-\(orders[0].prefix(8))", "--json"])
            #expect(try prefixed.jsonLines().compactMap { $0["stream"] as? String } == ["order-\(orders[0])"])

            let limited = try await store.run(["streams", "list", "--limit", "1", "--json"])
            #expect(try limited.jsonLines().count == 1)
            #expect(try await store.run(["streams", "list", "--limit", "0"]).status == 1)
        }
    }

    @Test("stats reports the event store's counts, head and size, and the read store's projections")
    func stats() async throws {
        try await TestStore.with { store in
            _ = try await Self.shopData(in: store)
            let readStore = ["--read-store", "sqlite:\(store.folder.path)/read.sqlite"]
            let result = try await store.run(["stats", "--json"] + readStore)
            #expect(result.status == 0, "\(result.stderr)")
            let stats = try result.jsonObject()
            let events = try #require(stats["eventStore"] as? [String: Any])
            let head = try #require(events["head"] as? Int)
            #expect(events["events"] as? Int == head)
            #expect((events["streams"] as? Int ?? 0) >= 4)
            #expect((events["sizeBytes"] as? Int ?? 0) > 0)
            let projections = try #require((stats["readStore"] as? [String: Any])?["projections"] as? [[String: Any]])
            #expect(projections.first?["name"] as? String == "shop-views")

            let text = try await store.run(["stats"] + readStore)
            #expect(text.stdout.contains("EVENT STORE"))
            #expect(text.stdout.contains("shop-views"))
            let noReadStore = try await store.run(["stats", "--read-store", "sqlite:\(store.folder.path)/missing.sqlite"])
            #expect(noReadStore.status == 0)
            #expect(noReadStore.stdout.contains("READ STORE  none"))
            #expect(!FileManager.default.fileExists(atPath: "\(store.folder.path)/missing.sqlite"))
        }
    }

    @Test("projections rebuild runs to the switch; reset, parked and replay-parked steer the projection")
    func projectionControl() async throws {
        try await TestStore.with { store in
            let (_, orders) = try await Self.shopData(in: store)
            let readStore = ["--read-store", "sqlite:\(store.folder.path)/read.sqlite"]
            let before = try JSONSerialization.jsonObject(
                with: Data(try await store.run(["projections", "status", "--json"] + readStore).stdout.utf8))
            let generation = try #require(((before as? [[String: Any]])?.first)?["generation"] as? Int)

            let rebuild = try await store.run(["projections", "rebuild", "shop-views"] + readStore)
            #expect(rebuild.status == 0, "\(rebuild.stderr)")
            #expect(rebuild.stderr.contains("rebuilt shop-views: generation \(generation + 1)"))
            #expect(rebuild.stdout.isEmpty, "progress goes to stderr only")
            let after = try JSONSerialization.jsonObject(
                with: Data(try await store.run(["projections", "status", "--json"] + readStore).stdout.utf8))
            let status = try #require((after as? [[String: Any]])?.first)
            #expect(status["generation"] as? Int == generation + 1)
            #expect(status["rebuildCheckpoint"] is NSNull)

            // The rebuilt view still answers: the service reads it after a restart.
            let service = try await ServeProcess.start(["--store", store.url], in: store.folder)
            let order = try await service.request("GET", "/orders/\(orders[0])")
            #expect((order.json["lines"] as? [Any])?.count == 1, "\(order.text)")
            #expect(await service.stop() == 0)

            let requested = try await store.run(["projections", "rebuild", "shop-views", "--no-wait"] + readStore)
            #expect(requested.status == 0)
            #expect(requested.stderr.contains("requested"))

            let reset = try await store.run(["projections", "reset", "shop-views", "--to", "2"] + readStore)
            #expect(reset.status == 0, "\(reset.stderr)")
            let moved = try JSONSerialization.jsonObject(
                with: Data(try await store.run(["projections", "status", "--json"] + readStore).stdout.utf8))
            #expect(((moved as? [[String: Any]])?.first)?["checkpoint"] as? Int == 2)

            let parked = try await store.run(["projections", "parked", "shop-views"] + readStore)
            #expect(parked.stdout.contains("no parked events"))
            #expect(try await store.run(["projections", "parked", "shop-views", "--json"] + readStore).stdout.isEmpty)
            let replay = try await store.run(["projections", "replay-parked", "shop-views"] + readStore)
            #expect(replay.stdout.contains("replayed 0 parked events"))

            let unknown = try await store.run(["projections", "rebuild", "nope"] + readStore)
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("there is no projection 'nope'"))
            #expect(try await store.run(["projections", "reset", "shop-views"] + readStore).status == 1, "--to is required")
            let missing = try await store.run(["projections", "rebuild", "shop-views", "--read-store", "sqlite:\(store.folder.path)/none.sqlite"])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("no read store"))
        }
    }

    @Test(
        "on PostgreSQL, projections commands find the read store beside the events and rebuild under the projection's lease",
        .enabled(if: TestPostgres.url != nil)
    )
    func postgresRebuild() async throws {
        try await TestStore.with { store in
            let schema = uniqueSchema("ops")
            let url = "\(TestPostgres.url!)&schema=\(schema)"
            let service = try await ServeProcess.start(["--store", url], in: store.folder)
            let created = try await service.request("POST", "/customers", json: #"{"name":"Ada","email":"ada@example.com"}"#)
            #expect(created.status == 201)
            #expect(await service.stop() == 0)

            let rebuild = try await StrataProcess.run(["projections", "rebuild", "shop-views", "--store", url], in: store.folder)
            #expect(rebuild.status == 0, "\(rebuild.stderr)")
            #expect(rebuild.stderr.contains("rebuilt shop-views: generation 2"))
            let status = try await StrataProcess.run(["projections", "status", "--json", "--store", url], in: store.folder)
            #expect(status.stdout.contains(#""generation":2"#), "\(status.stdout) \(status.stderr)")
            let streams = try await StrataProcess.run(["streams", "list", "--category", "customer", "--json", "--store", url], in: store.folder)
            #expect(try streams.jsonLines().count == 1)
        }
    }

    @Test("a large read of the log into a file reports progress on stderr, not in the output")
    func readProgress() async throws {
        try await TestStore.with { store in
            // More events than the progress threshold, appended in a few large appends through the library.
            let path = store.path
            try await appendMany(12_000, to: path)
            let read = try await store.run(["events", "read", "--all"])
            #expect(read.status == 0)
            #expect(read.stdout.split(separator: "\n").count == 12_000)
            #expect(read.stderr.contains("reading the log"))
            #expect(read.stderr.contains("12,000/12,000 events"))
        }
    }
}

/// Appends `count` events to a SQLite store in appends of 1,000.
private func appendMany(_ count: Int, to path: String) async throws {
    let store = try await SQLiteEventStore.open(path: path)
    for batch in 0..<(count / 1000) {
        let events = (0..<1000).map { _ in NewEvent(type: "Tested", data: Data(#"{"n":1}"#.utf8)) }
        _ = try await store.append(events, to: StreamID(category: "bulk", id: String(batch)), expecting: .noStream)
    }
    try store.close()
}
