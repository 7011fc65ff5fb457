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

@Suite("Forgetting a customer over HTTP", .timeLimit(.minutes(5)))
struct ForgetRouteTests {
    private static let address = #"{"street":"12 St James's Square","city":"London","postalCode":"SW1Y 4JH","country":"GB"}"#

    @Test("forget answers once the views show the customer redacted; the email is free again; a retry succeeds")
    func forget() async throws {
        try await ShopHarness().run { shop in
            let customer = try await shop.registerCustomer("Ada Lovelace", email: "ada@example.com")
            let order = try await shop.placeOrder(for: customer)
            let addressed = try await shop.post("/orders/\(order)/shipping-address", Self.address)
            #expect(addressed.status == .ok)
            let stored = try await shop.events.base.readStream(try StreamID("order-\(order)"))
            #expect(!stored.contains { String(decoding: $0.data, as: UTF8.self).contains("London") }, "the address is stored in plain")

            let forgotten = try await shop.post("/customers/\(customer)/forget")
            #expect(forgotten.status == .ok, "\(forgotten.text)")
            let position = try #require(forgotten.position)
            #expect(forgotten.headers[.strataPosition] == "\(position)")
            // 200 means the views no longer show the data: no Strata-Min-Position needed.
            let details = try await shop.get("/orders/\(order)")
            #expect(details.string("customerName") == "[redacted]")
            #expect(details["shippingAddress"] == nil || details["shippingAddress"] is NSNull)
            #expect(!details.text.contains("Ada") && !details.text.contains("London"))

            let again = try await shop.post("/customers/\(customer)/forget")
            #expect(again.status == .ok, "a retry succeeds: \(again.text)")
            #expect(again.position == position, "and records nothing new")

            let newcomer = try await shop.post("/customers", #"{"name":"Another Ada","email":"ADA@example.com"}"#)
            #expect(newcomer.status == .created, "the released address can be used again: \(newcomer.text)")

            let unknown = try await shop.post("/customers/\(UUID().uuidString.lowercased())/forget")
            #expect(unknown.status == .notFound)
        }
    }

    @Test("forgetting a customer whose key is already gone finishes the work instead of answering 404")
    func keyAlreadyGone() async throws {
        try await ShopHarness().run { shop in
            let customer = try await shop.registerCustomer("Grace Hopper", email: "grace@example.com")
            let order = try await shop.placeOrder(for: customer)
            let before = try await shop.post("/orders/\(order)/shipping-address", Self.address)
            #expect(before.status == .ok)
            // A forget that crashed after deleting the key, or `strata subjects forget`.
            #expect(try await shop.events.base.forgetSubject("customer-\(customer)"))

            let taken = try await shop.post("/customers", #"{"name":"Grace","email":"grace@example.com"}"#)
            #expect(taken.problemCode == "duplicate-email", "the reservation outlives the key until forget finishes")

            let forgotten = try await shop.post("/customers/\(customer)/forget")
            #expect(forgotten.status == .ok, "\(forgotten.text)")
            let details = try await shop.get("/orders/\(order)")
            #expect(details.string("customerName") == "[redacted]")
            #expect(!details.text.contains("London"))
            let reused = try await shop.post("/customers", #"{"name":"Grace","email":"grace@example.com"}"#)
            #expect(reused.status == .created, "\(reused.text)")
        }
    }

    @Test("a forgotten customer's new registration, email change, order or address is a clear 422, never a 500")
    func afterForgetting() async throws {
        try await ShopHarness().run { shop in
            let body = #"{"name":"Ada Lovelace","email":"ada@example.com"}"#
            let registered = try await shop.post("/customers", body, headers: [.idempotencyKey: "signup-7"])
            let customer = try #require(registered.string("id"))
            let order = try await shop.placeOrder(for: customer)
            #expect(try await shop.post("/customers/\(customer)/forget").status == .ok)

            let again = try await shop.post("/customers", body, headers: [.idempotencyKey: "signup-7"])
            #expect(again.status == .unprocessableContent, "\(again.text)")
            #expect(again.problemCode == "customer-forgotten")
            let email = try await shop.post("/customers/\(customer)/email", #"{"email":"ada@lovelace.org"}"#)
            #expect(email.status == .unprocessableContent)
            #expect(email.problemCode == "customer-forgotten")
            let placed = try await shop.post("/orders", #"{"customerId":"\#(customer)"}"#)
            #expect(placed.problemCode == "customer-forgotten")
            let addressed = try await shop.post("/orders/\(order)/shipping-address", Self.address)
            #expect(addressed.status == .unprocessableContent, "\(addressed.text)")
            #expect(addressed.problemCode == "subject-forgotten")

            // The address the forgotten registration held is free, for a new customer.
            let other = try await shop.post("/customers", body)
            #expect(other.status == .created, "\(other.text)")
        }
    }

    @Test("forget answers 202 with the position to wait for when the views have not caught up in time")
    func accepted() async throws {
        try await ShopHarness(readTimeout: .zero).run { shop in
            let customer = try await shop.registerCustomer("Ada Lovelace", email: "ada@example.com")
            let order = try await shop.placeOrder(for: customer)
            // An event the views cannot apply: they retry it (for at least 300 ms) before parking it, and lag.
            let broken = NewEvent(type: "OrderPlaced", data: Data("{}".utf8))
            _ = try await shop.events.base.append([broken], to: "order-broken", expecting: .noStream)

            let forgotten = try await shop.post("/customers/\(customer)/forget")
            #expect(forgotten.status == .accepted, "\(forgotten.text)")
            let position = try #require(forgotten.position)
            #expect(forgotten.headers[.strataPosition] == "\(position)")
            let details = try await shop.eventually("/orders/\(order)?minPosition=\(position)") { $0.status == .ok }
            #expect(details.string("customerName") == "[redacted]")
        }
    }
}
