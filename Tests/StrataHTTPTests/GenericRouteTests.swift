//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import Strata
import StrataHTTP
import Testing

@Suite("Strata's generic routes: streams, live events, projections, health, metrics", .timeLimit(.minutes(5)))
struct GenericRouteTests {
    @Test("GET /streams/{id} pages through a stream's events")
    func streams() async throws {
        try await ShopHarness().run { shop in
            let order = try await shop.placeOrder(for: try await shop.registerCustomer())
            for sku in ["a", "b", "c"] { try await shop.addLine(order, sku: sku) }
            let first = try await shop.get("/streams/order-\(order)?limit=2")
            #expect(first.status == .ok)
            #expect(first["version"] as? Int == 3)
            #expect(first["next"] as? Int == 2)
            let events = try #require(first["events"] as? [[String: Any]])
            #expect(events.map { $0["type"] as? String } == ["OrderPlaced", "OrderLineAdded"])
            #expect((events[1]["data"] as? [String: Any])?["line"] != nil)
            let rest = try await shop.get("/streams/order-\(order)?from=2")
            #expect((rest["events"] as? [[String: Any]])?.map { $0["version"] as? Int } == [2, 3])
            #expect(rest["next"] is NSNull)
            #expect(try await shop.get("/streams/not%20a%20stream").status == .badRequest)
            #expect(try await shop.get("/streams/order-\(order)?limit=x").status == .badRequest)
        }
    }

    @Test("GET /events streams the log as Server-Sent Events: catch-up, filters, Last-Event-ID, then live")
    func serverSentEvents() async throws {
        try await ShopHarness().run { shop in
            let customer = try await shop.registerCustomer()
            let order = try await shop.placeOrder(for: customer)
            let all = try await shop.events.base.readAll(from: .start, limit: 100)

            let catchUp = try await shop.get("/events?limit=\(all.count)")
            #expect(catchUp.headers[.contentType] == "text/event-stream")
            let frames = Self.frames(catchUp.text)
            #expect(frames.map(\.id) == all.map { "\($0.position.value)" })
            #expect(frames.map(\.event) == all.map(\.type))
            let data = try #require(frames.last?.data)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])
            #expect(json["stream"] as? String == "order-\(order)")

            let orders = Self.frames(try await shop.get("/events?category=order&limit=1").text)
            #expect(orders.map(\.event) == ["OrderPlaced"])

            let resumed = Self.frames(
                try await shop.get("/events?limit=1", headers: [.lastEventID: "\(all[all.count - 2].position.value)"]).text
            )
            #expect(resumed.map(\.id) == ["\(all[all.count - 1].position.value)"])

            // Live: the stream waits for an event that commits after the request. Lines are added until it answers
            // rather than once after a guessed pause, so that a request that arrives late still gets one, and one
            // that never does fails here in seconds instead of hanging.
            let before = try await shop.events.headPosition()
            let liveFrames = try await withThrowingTaskGroup(of: [Frame]?.self) { group in
                group.addTask { Self.frames(try await shop.get("/events?from=end&limit=1").text) }
                group.addTask {
                    for index in 0..<50 {
                        try await shop.addLine(order, sku: "late-\(index)")
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    throw NoLiveEvent()
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let frames = result { return frames }
                }
                return []
            }
            #expect(liveFrames.map(\.event) == ["OrderLineAdded"])
            #expect(liveFrames.first?.id.flatMap { Int($0) }.map { $0 > Int(before.value) } == true, "committed after the request")
        }
    }

    @Test("GET /projections reports status; POST …/rebuild rebuilds; unknown names are 404")
    func projections() async throws {
        try await ShopHarness().run { shop in
            let order = try await shop.placeOrder(for: try await shop.registerCustomer())
            let statuses = try await shop.get("/projections")
            #expect(statuses.array.map { $0["name"] as? String } == ["shop-views"])
            let rebuild = try await shop.post("/projections/shop-views/rebuild")
            #expect(rebuild.status == .accepted)
            let rebuilt = try await shop.eventually("/projections/shop-views") { ($0["generation"] as? Int ?? 0) >= 2 }
            #expect(rebuilt["generation"] as? Int == 2)
            #expect(try await shop.get("/orders/\(order)").status == .ok)
            #expect(try await shop.get("/projections/shop-views/parked").array.isEmpty)
            #expect(try await shop.post("/projections/shop-views/replay-parked")["replayed"] as? Int == 0)
            #expect(try await shop.post("/projections/nope/rebuild").status == .notFound)
            #expect(try await shop.get("/projections/nope").status == .notFound)
        }
    }

    @Test("GET /health reports readiness; GET /health/live liveness")
    func health() async throws {
        try await ShopHarness().run { shop in
            let health = try await shop.get("/health")
            #expect(health.status == .ok)
            #expect(health.string("status") == "ready")
            #expect((health["readStore"] as? [String: Any])?["status"] as? String == "up")
            #expect((health["projections"] as? [[String: Any]])?.first?["name"] as? String == "shop-views")
            #expect(try await shop.get("/health/live").status == .ok)
        }
    }

    @Test("GET /metrics exposes strata_ metrics in Prometheus text format")
    func metrics() async throws {
        try await ShopHarness().run { shop in
            _ = try await shop.registerCustomer()
            _ = try await shop.get("/orders/nope")
            let reply = try await shop.get("/metrics")
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(reply.text.contains(#"strata_http_requests_total{method="POST",route="/customers",status="201"} 1"#))
            #expect(reply.text.contains(#"route="/orders/{id}",status="404""#))
            #expect(reply.text.contains("strata_projection_checkpoint"))
            #expect(reply.text.contains("strata_http_request_duration_seconds"))
        }
    }

    @Test("POST /customers/{id}/forget shreds the customer's personal data, in the log and in the views")
    func forget() async throws {
        try await ShopHarness().run { shop in
            let customer = try await shop.registerCustomer("Ada Lovelace", email: "ada@example.com")
            let order = try await shop.placeOrder(for: customer)
            // Not inside #expect: a closure in its expression can stand in for a later trailing closure of the test.
            let placed = try await shop.eventually("/orders/\(order)") { $0.status == .ok }
            #expect(placed.string("customerName") == "Ada Lovelace")
            let forgotten = try await shop.post("/customers/\(customer)/forget")
            #expect(forgotten.status == .ok)
            let stream = try await shop.get("/streams/customer-\(customer)")
            #expect(!stream.text.contains("Ada Lovelace"))
            #expect(!stream.text.contains("ada@example.com"))
            let details = try await shop.eventually("/orders/\(order)") { $0.status == .ok && $0.string("customerName") != "Ada Lovelace" }
            // The exact value: a name that went missing (nil) is not a redacted one.
            #expect(details.string("customerName") == "[redacted]", "\(details.text)")
            #expect(try await shop.post("/customers/\(customer)/forget").status == .ok, "forgetting again is a retry, not a 404")
        }
    }

    struct NoLiveEvent: Error, CustomStringConvertible {
        var description: String { "the live event stream delivered none of 50 lines added over 5 s" }
    }

    struct Frame: Equatable {
        var id: String?
        var event: String?
        var data: String?
    }

    /// The event frames of an SSE body; comments and `retry:` lines are skipped.
    static func frames(_ text: String) -> [Frame] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var frame = Frame()
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { frame.id = String(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { frame.event = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { frame.data = String(line.dropFirst(6)) }
            }
            return frame.event == nil ? nil : frame
        }
    }
}
