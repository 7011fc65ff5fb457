//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Testing

@Suite("strata events read", .timeLimit(.minutes(10)))
struct ReadCommandTests {
    /// order-1 gets versions 0…2 at positions 1, 2 and 4; customer-1 gets position 3.
    private func seed(_ store: TestStore) async throws {
        let appends: [(String, String, String)] = [
            ("order-1", "OrderPlaced", #"{"amount":12.5,"lines":[{"sku":"A-1","quantity":2}],"note":"a/b"}"#),
            ("order-1", "OrderPaid", #"{"paid":true}"#),
            ("customer-1", "CustomerRegistered", #"{"name":"Ada"}"#),
            ("order-1", "OrderShipped", #""by boat""#),
        ]
        for (stream, type, data) in appends {
            let result = try await store.append(stream: stream, type: type, data: data)
            try #require(result.status == 0, "\(result.stderr)")
        }
    }

    @Test("--stream prints each event with every field and its data embedded as JSON")
    func readStream() async throws {
        try await TestStore.with { store in
            try await seed(store)
            let result = try await store.run(["events", "read", "--stream", "order-1"])
            #expect(result.status == 0, "\(result.stderr)")
            // Embedded, not quoted: the raw line holds the object itself, with sorted keys.
            #expect(result.stdout.hasPrefix(#"{"data":{"amount":12.5,"lines":[{"quantity":2,"sku":"A-1"}],"note":"a/b"},"eventId":""#))

            let events = try result.jsonLines()
            #expect(events.map { $0["version"] as? Int } == [0, 1, 2])
            #expect(events.map { $0["position"] as? Int } == [1, 2, 4])
            #expect(events.map { $0["type"] as? String } == ["OrderPlaced", "OrderPaid", "OrderShipped"])
            #expect(events.allSatisfy { $0["stream"] as? String == "order-1" })

            let first = try #require(events.first)
            #expect(Set(first.keys) == ["position", "stream", "version", "type", "eventId", "data", "metadata", "recordedAt"])
            let data = try #require(first["data"] as? [String: Any])
            #expect(data["amount"] as? Double == 12.5)
            #expect((data["lines"] as? [[String: Any]])?.first?["sku"] as? String == "A-1")
            #expect(events[1]["data"] as? [String: Bool] == ["paid": true])
            #expect(events[2]["data"] as? String == "by boat")
            #expect(first["metadata"] as? [String: String] == [:])
            #expect(UUID(uuidString: try #require(first["eventId"] as? String)) != nil)

            let recordedAt = try #require(first["recordedAt"] as? String)
            #expect(recordedAt.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(recordedAt)")
            let date = try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(recordedAt)
            #expect(abs(date.timeIntervalSinceNow) < 120)
        }
    }

    @Test("--stream honours --from, --limit and --backwards")
    func readStreamWindows() async throws {
        try await TestStore.with { store in
            try await seed(store)
            func versions(_ options: [String]) async throws -> [Int?] {
                try await store.read(["--stream", "order-1"] + options).map { $0["version"] as? Int }
            }
            #expect(try await versions(["--from", "1"]) == [1, 2])
            #expect(try await versions(["--from", "1", "--limit", "1"]) == [1])
            #expect(try await versions(["--backwards"]) == [2, 1, 0])
            #expect(try await versions(["--backwards", "--from", "1"]) == [1, 0])
            #expect(try await versions(["--backwards", "--limit", "2"]) == [2, 1])
            #expect(try await versions(["--from", "9"]) == [])
            #expect(try await store.read(["--stream", "order-404"]).isEmpty)
        }
    }

    @Test("--all reads the log in order, filtered by --category, --type and --from")
    func readAll() async throws {
        try await TestStore.with { store in
            try await seed(store)
            func positions(_ options: [String]) async throws -> [Int?] {
                try await store.read(["--all"] + options).map { $0["position"] as? Int }
            }
            #expect(try await positions([]) == [1, 2, 3, 4])
            #expect(try await positions(["--from", "3"]) == [3, 4])
            #expect(try await positions(["--limit", "2"]) == [1, 2])
            #expect(try await positions(["--category", "order"]) == [1, 2, 4])
            #expect(try await positions(["--category", "order", "--from", "2"]) == [2, 4])
            #expect(try await positions(["--category", "customer"]) == [3])
            #expect(try await positions(["--type", "OrderPaid", "--type", "CustomerRegistered"]) == [2, 3])
            #expect(try await positions(["--category", "order", "--type", "CustomerRegistered"]) == [])

            let customer = try #require(try await store.read(["--all", "--category", "customer"]).first)
            #expect(customer["stream"] as? String == "customer-1")
            #expect(customer["data"] as? [String: String] == ["name": "Ada"])
        }
    }

    @Test("--correlation reads what one request caused across streams, in global order, with --from and --limit")
    func readCorrelated() async throws {
        try await TestStore.with { store in
            let appends: [(String, String?)] = [
                ("order-1", "request-1"), ("customer-1", nil), ("payment-1", "request-1"), ("order-2", "request-2"), ("order-1", "request-1"),
            ]
            for (stream, request) in appends {
                let metadata = request.map { ["--metadata", "{\"correlationId\":\"\($0)\"}"] } ?? []
                let result = try await store.append(stream: stream, metadata)
                try #require(result.status == 0, "\(result.stderr)")
            }
            func read(_ options: [String]) async throws -> [String] {
                try await store.read(options).map { "\($0["stream"] as? String ?? "?")@\($0["position"] as? Int ?? 0)" }
            }
            #expect(try await read(["--correlation", "request-1"]) == ["order-1@1", "payment-1@3", "order-1@5"])
            #expect(try await read(["--correlation", "request-1", "--from", "2", "--limit", "1"]) == ["payment-1@3"])
            #expect(try await read(["--correlation", "request-2"]) == ["order-2@4"])
            #expect(try await read(["--correlation", "request-3"]) == [])
        }
    }

    @Test("an empty store reads as no lines")
    func emptyStore() async throws {
        try await TestStore.with { store in
            let result = try await store.run(["events", "read", "--all"])
            #expect(result.status == 0)
            #expect(result.stdout.isEmpty)
        }
    }

    @Test(
        "options that do not fit together exit 1",
        arguments: [
            [],
            ["--stream", "order-1", "--all"],
            ["--stream", "order-1", "--category", "order"],
            ["--all", "--backwards"],
            ["--all", "--limit", "0"],
            ["--stream", "a b"],
            ["--correlation", "request-1", "--all"],
            ["--correlation", "request-1", "--type", "OrderPaid"],
            ["--correlation", ""],
        ])
    func invalidCombinations(_ options: [String]) async throws {
        try await TestStore.with { store in
            let result = try await store.run(["events", "read"] + options)
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)")
        }
    }
}
