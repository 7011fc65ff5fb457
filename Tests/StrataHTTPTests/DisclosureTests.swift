//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import StrataHTTP
import Testing

/// What the service tells callers about itself: no more than they may read, and never an error's own words.
@Suite("Nothing internal leaks", .timeLimit(.minutes(5)))
struct DisclosureTests {
    /// The words FaultyEventStore's failures carry: they must reach the log only.
    static let internalText = "connection was lost"

    @Test("/health says only ready or unavailable without a read token; details with one")
    func healthDetails() async throws {
        try await ShopHarness(authSecret: AuthenticationTests.secret).run { shop in
            let anonymous = try await shop.get("/health")
            #expect(anonymous.status == .ok)
            #expect(anonymous.text == #"{"status":"ready"}"#)
            let writer = try await shop.get("/health", headers: try await bearer(.expiring(in: 600, scope: "write")))
            #expect(writer.text == #"{"status":"ready"}"#)
            let reader = try await shop.get("/health", headers: try await bearer(.expiring(in: 600, scope: "read")))
            #expect(reader.json["eventStore"] != nil)
            #expect(reader.json["projections"] != nil)

            shop.events.inject(.unavailable)
            let down = try await shop.get("/health")
            #expect(down.status == .serviceUnavailable)
            #expect(down.text == #"{"status":"unavailable"}"#)
            let downDetails = try await shop.get("/health", headers: try await bearer(.expiring(in: 600, scope: "read")))
            #expect(downDetails.status == .serviceUnavailable)
            #expect((downDetails["eventStore"] as? [String: Any])?["error"] as? String == "unavailable")
            #expect(!downDetails.text.contains(Self.internalText))
        }
    }

    @Test("without authentication /health shows the details, and still not the error's words")
    func healthWithoutAuthentication() async throws {
        try await ShopHarness().run { shop in
            shop.events.inject(.unavailable)
            let reply = try await shop.get("/health")
            #expect(reply.status == .serviceUnavailable)
            #expect((reply["eventStore"] as? [String: Any])?["status"] as? String == "down")
            #expect(!reply.text.contains(Self.internalText))
        }
    }

    @Test("a database failure is a 503 problem with generic words")
    func problemWords() async throws {
        try await ShopHarness().run { shop in
            let customer = try await shop.registerCustomer()
            shop.events.inject(.unavailable)
            let reply = try await shop.post("/orders", #"{"customerId":"\#(customer)"}"#)
            #expect(reply.status == .serviceUnavailable)
            #expect(reply.problemCode == "database-unavailable")
            #expect(!reply.text.contains(Self.internalText))
        }
    }

    @Test("a failing event stream sends a stable code, not the error", .timeLimit(.minutes(1)))
    func eventStreamFailure() async throws {
        try await ShopHarness().run { shop in
            _ = try await shop.registerCustomer()
            shop.events.inject(.unavailable)
            let reply = try await shop.get("/events")
            #expect(reply.text.contains("event: error\ndata: {\"code\":\"stream-failed\"}\n\n"))
            #expect(!reply.text.contains(Self.internalText))
        }
    }
}
