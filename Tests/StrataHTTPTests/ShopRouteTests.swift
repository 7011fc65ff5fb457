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
import StrataTestSupport
import Testing

@Suite("The shop's commands and queries over HTTP", .timeLimit(.minutes(5)))
struct ShopRouteTests {
    @Test("a customer orders and pays; the views show it, read-your-writes")
    func orderAndPay() async throws {
        try await ShopHarness().run { shop in
            let registered = try await shop.post("/customers", #"{"name":"Ada Lovelace","email":"ada@example.com"}"#)
            #expect(registered.status == .created)
            let customer = try #require(registered.string("id"))
            #expect(registered.headers[.strataPosition] == "\(try #require(registered.position))")
            #expect(registered["streamVersion"] as? Int == 0)

            let placed = try await shop.post("/orders", #"{"customerId":"\#(customer)"}"#)
            #expect(placed.status == .created)
            let order = try #require(placed.string("id"))
            try await shop.addLine(order, sku: "book", quantity: 2, unitPriceCents: 1250)
            try await shop.addLine(order, sku: "pen", quantity: 1, unitPriceCents: 300)
            let removed = try await shop.send(.delete, "/orders/\(order)/lines/pen")
            #expect(removed.status == .ok)
            let addressed = try await shop.post(
                "/orders/\(order)/shipping-address",
                #"{"street":"12 St James's Square","city":"London","postalCode":"SW1Y 4JH","country":"GB"}"#
            )
            #expect(addressed.status == .ok)
            let confirmed = try await shop.post("/orders/\(order)/confirm")
            #expect(confirmed.status == .ok)
            #expect(confirmed["streamVersion"] as? Int == 5)

            // Read-your-writes: the view is asked to show the confirmation's position.
            let position = try #require(confirmed.position)
            let details = try await shop.get("/orders/\(order)", headers: [.strataMinPosition: "\(position)"])
            #expect(details.status == .ok)
            #expect(details.string("customerName") == "Ada Lovelace")
            #expect(details.string("status") == "confirmed")
            #expect(details["totalCents"] as? Int == 2500)
            let lines = details["lines"] as? [[String: Any]]
            #expect(lines?.count == 1)
            #expect(lines?.first?["sku"] as? String == "book")
            #expect((details["shippingAddress"] as? [String: Any])?["city"] as? String == "London")

            let paid = try await shop.post("/orders/\(order)/payments", #"{"amountCents":2500}"#)
            #expect(paid.status == .created)
            #expect(paid.string("id") != nil)

            // The process manager marks the order paid with a command of its own, after the payment.
            let settled = try await shop.eventually("/orders/\(order)") { $0.string("status") == "paid" }
            #expect(settled.string("status") == "paid")
            let orders = try await shop.get("/customers/\(customer)/orders?minPosition=\(position)")
            #expect(orders.array.count == 1)
            #expect(orders.array.first?["id"] as? String == order)
            #expect(orders.array.first?["totalCents"] as? Int == 2500)
            let sales = try await shop.eventually("/reports/daily-sales") { !$0.array.isEmpty }
            #expect(sales.array.first?["orders"] as? Int == 1)
            #expect(sales.array.first?["totalCents"] as? Int == 2500)
            #expect(sales.array.first?["date"] as? String == String(ISO8601DateFormatter().string(from: Date()).prefix(10)))
        }
    }

    @Test("an open order is cancelled; the views show it")
    func cancel() async throws {
        try await ShopHarness().run { shop in
            let order = try await shop.placeOrder(for: try await shop.registerCustomer())
            let cancelled = try await shop.post("/orders/\(order)/cancel")
            #expect(cancelled.status == .ok)
            let position = try #require(cancelled.position)
            let details = try await shop.get("/orders/\(order)", headers: [.strataMinPosition: "\(position)"])
            #expect(details.string("status") == "cancelled")
            let again = try await shop.post("/orders/\(order)/cancel")
            #expect(again.status == .ok, "cancelling twice changes nothing")
            #expect(again.position == position)
        }
    }

    @Test("a customer changes email; the old address is free again")
    func changeEmail() async throws {
        try await ShopHarness().run { shop in
            let customer = try await shop.registerCustomer(email: "old@example.com")
            let changed = try await shop.post("/customers/\(customer)/email", #"{"email":"new@example.com"}"#)
            #expect(changed.status == .ok)
            #expect(changed["id"] == nil)
            _ = try await shop.registerCustomer("Someone Else", email: "old@example.com")
            let taken = try await shop.post("/customers", #"{"name":"Third","email":"new@example.com"}"#)
            #expect(taken.status == .unprocessableContent)
            #expect(taken.problemCode == "duplicate-email")
        }
    }

    @Test("a retried command with the same Idempotency-Key returns the original response and appends nothing")
    func idempotencyKey() async throws {
        try await ShopHarness().run { shop in
            let body = #"{"name":"Grace Hopper","email":"grace@example.com"}"#
            let first = try await shop.post("/customers", body, headers: [.idempotencyKey: "signup-42"])
            let retry = try await shop.post("/customers", body, headers: [.idempotencyKey: "signup-42"])
            #expect(first.status == .created)
            #expect(retry.status == .created)
            #expect(retry.string("id") == first.string("id"))
            #expect(retry.position == first.position)
            #expect(retry.headers[.idempotentReplayed] == "true")
            #expect(first.headers[.idempotentReplayed] == nil)
            let stream = try await shop.get("/streams/customer-\(try #require(first.string("id")))")
            #expect((stream["events"] as? [Any])?.count == 1)

            let order = try await shop.placeOrder(for: try #require(first.string("id")))
            let line = #"{"sku":"book","quantity":1,"unitPriceCents":100}"#
            let added = try await shop.post("/orders/\(order)/lines", line, headers: [.idempotencyKey: "line-1"])
            let again = try await shop.post("/orders/\(order)/lines", line, headers: [.idempotencyKey: "line-1"])
            #expect(again.position == added.position)
            #expect(again["streamVersion"] as? Int == 1)
            let details = try await shop.get("/orders/\(order)", headers: [.strataMinPosition: "\(try #require(again.position))"])
            #expect((details["lines"] as? [Any])?.count == 1)
        }
    }

    @Test("If-Match makes a command conditional on the stream version: 200 when it matches, 412 when not")
    func ifMatch() async throws {
        try await ShopHarness().run { shop in
            let order = try await shop.placeOrder(for: try await shop.registerCustomer())
            let line = #"{"sku":"book","quantity":1,"unitPriceCents":100}"#
            let matching = try await shop.post("/orders/\(order)/lines", line, headers: [.ifMatch: "\"0\""])
            #expect(matching.status == .ok)
            #expect(matching.headers[.eTag] == "\"1\"")
            let headBefore = try await shop.events.headPosition()
            let stale = try await shop.post("/orders/\(order)/lines", line, headers: [.ifMatch: "\"0\""])
            #expect(stale.status == .preconditionFailed)
            #expect(stale.problemCode == "precondition-failed")
            #expect(stale["currentVersion"] as? Int == 1)
            let malformed = try await shop.post("/orders/\(order)/lines", line, headers: [.ifMatch: "yesterday"])
            #expect(malformed.status == .badRequest)
            // Refused before anything was written: neither the log nor the order's stream moved.
            #expect(try await shop.events.headPosition() == headBefore)
            #expect(try await shop.events.currentVersion(of: try StreamID("order-\(order)")) == 1)
            // An ETag passed back percent-encoded, as generated OpenAPI clients send header values, still matches.
            let encoded = try await shop.post("/orders/\(order)/lines", line, headers: [.ifMatch: "%221%22"])
            #expect(encoded.status == .ok, "\(encoded.text)")
            #expect(try await shop.post("/orders/\(order)/lines", line, headers: [.ifMatch: "%221%22"]).status == .preconditionFailed)
        }
    }

    @Test("a declined payment is recorded and answered 402 with its position")
    func declinedPayment() async throws {
        try await ShopHarness().run { shop in
            let order = try await shop.confirmedOrder(unitPriceCents: 1013, quantity: 1)
            let declined = try await shop.post("/orders/\(order)/payments", #"{"amountCents":1013}"#)
            #expect(declined.status.code == 402)
            #expect(declined.headers[.contentType] == "application/problem+json")
            #expect(declined.problemCode == "payment-declined")
            let position = try #require(declined.position)
            #expect(declined.headers[.strataPosition] == "\(position)")
            let payments = try await shop.get("/streams/payment-\(order)")
            let events = payments["events"] as? [[String: Any]]
            #expect(events?.last?["type"] as? String == "PaymentDeclined")
            #expect(events?.last?["position"] as? Int == position)
            let details = try await shop.get("/orders/\(order)?minPosition=\(position)")
            #expect(details.string("status") == "confirmed")
        }
    }

    @Test("/correlations/{id} lists what one request caused across streams, in pages, and refuses a malformed id")
    func correlatedEvents() async throws {
        try await ShopHarness().run { shop in
            // Two commands of one request, on two streams, and one of another request between them.
            let customer = try await shop.post(
                "/customers", #"{"name":"Ada Lovelace","email":"ada@example.com"}"#, headers: [.correlationID: "checkout-7"])
            let customerID = try #require(customer.string("id"))
            _ = try await shop.post("/customers", #"{"name":"Grace Hopper","email":"grace@example.com"}"#, headers: [.correlationID: "other"])
            let order = try await shop.post("/orders", "{\"customerId\":\"\(customerID)\"}", headers: [.correlationID: "checkout-7"])
            let orderID = try #require(order.string("id"))
            let caused = try #require(try await shop.get("/correlations/checkout-7").json["events"] as? [[String: Any]])
            // Registering reserves the email first, in a stream of its own: the same request caused it.
            let streams = caused.compactMap { $0["stream"] as? String }
            #expect(streams.count == 3)
            #expect(streams.first?.hasPrefix("emailreservation-") == true)
            #expect(Array(streams.dropFirst()) == ["customer-\(customerID)", "order-\(orderID)"])
            #expect(caused.allSatisfy { ($0["metadata"] as? [String: Any])?["correlationId"] as? String == "checkout-7" })
            let positions = caused.compactMap { $0["position"] as? Int }
            #expect(positions == positions.sorted())

            let first = try await shop.get("/correlations/checkout-7?limit=1")
            #expect((first.json["events"] as? [[String: Any]])?.count == 1)
            let next = try #require(first.json["next"] as? Int)
            let rest = try await shop.get("/correlations/checkout-7?from=\(next)")
            #expect(((rest.json["events"] as? [[String: Any]]) ?? []).compactMap { $0["position"] as? Int } == Array(positions.dropFirst()))
            #expect(rest.json["next"] is NSNull)

            let unknown = try await shop.get("/correlations/nobody")
            #expect(unknown.status == .ok)
            #expect((unknown.json["events"] as? [Any])?.isEmpty == true)
            #expect(try await shop.get("/correlations/a%01b").problemCode == "invalid-correlation-id")
            #expect(try await shop.get("/correlations/\(String(repeating: "x", count: 201))").problemCode == "invalid-correlation-id")
            #expect(try await shop.get("/correlations/checkout-7?limit=0").problemCode == "invalid-limit")
        }
    }
}
