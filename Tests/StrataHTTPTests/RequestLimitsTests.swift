//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import HTTPTypes
import Hummingbird
import Strata
import StrataHTTP
import StrataShop
import Testing

@Suite("Request limits: each is answered with a typed problem and appends nothing", .timeLimit(.minutes(5)))
struct RequestLimitsTests {
    /// A registration whose ignored `extra` member nests arrays so that the body is `depth` deep in all.
    static func registration(depth: Int) -> String {
        let nested = String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1)
        return #"{"name":"Ada","email":"ada-\#(depth)@example.com","extra":\#(nested)}"#
    }

    @Test("JSON nested deeper than 32 is a 400 too-deeply-nested; 32 deep is decoded")
    func nesting() async throws {
        try await ShopHarness().run { shop in
            let head = try await shop.events.base.headPosition()
            let deep = try await shop.post("/customers", Self.registration(depth: StrataHTTPConfiguration.defaultMaxJSONDepth + 1))
            #expect(deep.status == .badRequest)
            #expect(deep.problemCode == "too-deeply-nested")
            #expect(try await shop.events.base.headPosition() == head)
            // Brackets inside strings are text, not nesting.
            let bracketsInText = #"{"name":"\#(String(repeating: "[", count: 100))","email":"b@example.com"}"#
            #expect(try await shop.post("/customers", bracketsInText).status == .created)
            #expect(try await shop.post("/customers", Self.registration(depth: StrataHTTPConfiguration.defaultMaxJSONDepth)).status == .created)
        }
    }

    @Test("Idempotency-Key and Strata-Correlation-ID are limited in bytes, not characters")
    func headerBytes() async throws {
        try await ShopHarness().run { shop in
            let customer = try await shop.registerCustomer()
            let head = try await shop.events.base.headPosition()
            // "é" is two bytes: 100 of them fill the 200-byte limit exactly, one more byte passes it.
            let longest = String(repeating: "é", count: 100)
            for (name, code) in [(HTTPField.Name.idempotencyKey, "invalid-idempotency-key"), (.correlationID, "invalid-correlation-id")] {
                let reply = try await shop.post("/orders", #"{"customerId":"\#(customer)"}"#, headers: [name: longest + "a"])
                #expect(reply.status == .badRequest, "\(name)")
                #expect(reply.problemCode == code)
                let empty = try await shop.post("/orders", #"{"customerId":"\#(customer)"}"#, headers: [name: ""])
                #expect(empty.status == .badRequest, "an empty \(name)")
            }
            #expect(try await shop.events.base.headPosition() == head)
            let accepted = try await shop.post(
                "/orders",
                #"{"customerId":"\#(customer)"}"#,
                headers: [.idempotencyKey: longest, .correlationID: longest]
            )
            #expect(accepted.status == .created, "\(accepted.text)")
            let placed = try await shop.events.base.readAll(from: head.next, limit: 10).first
            #expect(placed?.metadata.correlationID == longest)
        }
    }

    @Test("beyond the limit of open event streams, /events is a 503 with Retry-After")
    func eventStreams() async throws {
        try await ShopHarness(maxEventStreams: 0).run { shop in
            // One event and limit=1: a stream served despite the limit would end at once rather than hang the test.
            _ = try await shop.registerCustomer()
            let reply = try await shop.get("/events?limit=1")
            #expect(reply.status == .serviceUnavailable)
            #expect(reply.problemCode == "too-many-event-streams")
            #expect(reply.headers[.retryAfter] == "5")
            #expect(try await shop.get("/reports/daily-sales").status == .ok, "queries are still served")
        }
    }

    @Test("a cancellation takes an optional reason, at most 500 bytes")
    func cancellationReason() async throws {
        try await ShopHarness().run { shop in
            let customer = try await shop.registerCustomer()
            let first = try await shop.placeOrder(for: customer)
            let tooLong = try await shop.post(
                "/orders/\(first)/cancel", #"{"reason":"\#(String(repeating: "r", count: TextField.reasonLimit + 1))"}"#)
            #expect(tooLong.status == .badRequest)
            #expect(try await shop.post("/orders/\(first)/cancel", #"{"reason":"found it cheaper"}"#).status == .ok)
            let second = try await shop.placeOrder(for: customer)
            #expect(try await shop.post("/orders/\(second)/cancel").status == .ok, "no body: the default reason")
            let reasons = try await shop.events.base.readAll(from: .start, limit: 100)
                .filter { $0.type == OrderCancelled.eventType }
                .compactMap { try? JSONDecoder().decode(OrderCancelled.self, from: $0.data).reason }
            #expect(reasons == ["found it cheaper", "cancelled by the customer"])
        }
    }

    @Test("text fields past their byte limits are a 400 naming the field")
    func textFields() async throws {
        try await ShopHarness().run { shop in
            let customer = try await shop.registerCustomer()
            let order = try await shop.placeOrder(for: customer)
            let head = try await shop.events.base.headPosition()
            let name = String(repeating: "ü", count: TextField.nameLimit / 2 + 1)
            let registration = try await shop.post("/customers", #"{"name":"\#(name)","email":"long@example.com"}"#)
            #expect(registration.status == .badRequest)
            #expect(registration["field"] as? String == "name")
            let sku = String(repeating: "s", count: TextField.skuLimit + 1)
            let line = try await shop.post("/orders/\(order)/lines", #"{"sku":"\#(sku)","quantity":1,"unitPriceCents":1}"#)
            #expect(line["field"] as? String == "sku")
            let street = String(repeating: "s", count: TextField.addressPartLimit + 1)
            let address = try await shop.post(
                "/orders/\(order)/shipping-address",
                #"{"street":"\#(street)","city":"Paris","postalCode":"75001","country":"FR"}"#
            )
            #expect(address["field"] as? String == "street")
            let control = try await shop.post("/orders/\(order)/lines", #"{"sku":"a\u0007b","quantity":1,"unitPriceCents":1}"#)
            #expect(control.status == .badRequest, "control characters")
            #expect(try await shop.events.base.headPosition() == head)
        }
    }

    @Test("an order takes at most 100 lines; more of a sku it holds is still a raise, not a line")
    func lineCount() async throws {
        try await ShopHarness().run { shop in
            let order = try await shop.placeOrder(for: try await shop.registerCustomer())
            for index in 0..<Order.lineLimit {
                try await shop.addLine(order, sku: "sku-\(index)", quantity: 1, unitPriceCents: 1)
            }
            let extra = try await shop.post("/orders/\(order)/lines", #"{"sku":"one-too-many","quantity":1,"unitPriceCents":1}"#)
            #expect(extra.status == .unprocessableContent)
            #expect(extra.problemCode == "too-many-lines")
            try await shop.addLine(order, sku: "sku-0", quantity: 1, unitPriceCents: 1)
        }
    }
}
