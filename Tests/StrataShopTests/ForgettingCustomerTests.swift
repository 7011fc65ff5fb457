//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataShop
import Testing

@Suite("Forgetting a customer", .timeLimit(.minutes(5)))
struct ForgettingCustomerTests {
    let store = ProtectedEventStore(InMemoryEventStore(), rules: Shop.personalDataRules)
    var shop: Shop { Shop(store: store) }
    var forgetKey: @Sendable (String) async throws -> Bool { { [store] in try await store.forget($0) } }
    let address = try! ShippingAddress(street: "1 Main St", city: "London", postalCode: "N1", country: "GB")

    @Test("the shipping address is encrypted under the customer's key and reads as nil once they are forgotten")
    func shippingAddress() async throws {
        let ada = try await shop.registerCustomer(name: "Ada", email: "ada@example.com")
        let order = try await shop.placeOrder(customerId: ada.id)
        _ = try await shop.order(order.id, .changeShippingAddress(address))
        let stream = try Shop.orderStream(order.id)
        let raw = try #require(try await store.base.readStream(stream).last)
        #expect(!String(decoding: raw.data, as: UTF8.self).contains("London"))
        #expect(raw.metadata.custom["strata.subject"] == "customer-\(ada.id)")

        _ = try await shop.forgetCustomer(ada.id, forgetKey: forgetKey)
        let read = try Order().codec.decode(try #require(try await store.readStream(stream).last)) as? ShippingAddressChanged
        #expect(read?.customerId == ada.id)
        #expect(read?.address == nil)
        let refused = await #expect(throws: PersonalDataError.self) { try await shop.order(order.id, .changeShippingAddress(address)) }
        #expect(refused?.code == .subjectForgotten)
        _ = try await shop.order(order.id, .addLine(try OrderLine(sku: "A", quantity: 1, unitPriceCents: 1)))
    }

    @Test("forgetting releases the email, records CustomerForgotten once, and a retry changes nothing")
    func releasesAndRepeats() async throws {
        let ada = try await shop.registerCustomer(name: "Ada", email: "ada@example.com")
        let forgotten = try await shop.forgetCustomer(ada.id, forgetKey: forgetKey)
        #expect(forgotten.events.count == 1)
        #expect(try await store.subjectKeys(for: ["customer-\(ada.id)"]) == ["customer-\(ada.id)": .forgotten])
        let retry = try await shop.forgetCustomer(ada.id, forgetKey: forgetKey)
        #expect(retry.events.isEmpty)
        #expect(retry.position == forgotten.position)
        _ = try await shop.registerCustomer(name: "Another Ada", email: "ada@example.com")

        let unknown = await #expect(throws: DomainError.self) { try await shop.forgetCustomer("nobody", forgetKey: forgetKey) }
        #expect(unknown?.code == "unknown-customer")
    }

    @Test("a forget that failed before or after deleting the key finishes when retried")
    func failedStepsRetried() async throws {
        struct Crash: Error {}
        let ada = try await shop.registerCustomer(name: "Ada", email: "ada@example.com")
        let subject = "customer-\(ada.id)"
        await #expect(throws: Crash.self) { try await shop.forgetCustomer(ada.id, forgetKey: { _ in throw Crash() }) }
        if case .active? = try await store.subjectKeys(for: [subject])[subject] {} else { Issue.record("the key is gone") }

        let store = store
        await #expect(throws: Crash.self) {
            try await shop.forgetCustomer(
                ada.id,
                forgetKey: { subject in
                    _ = try await store.forget(subject)
                    throw Crash()
                })
        }
        #expect(try await shop.customers.load(try Shop.customerStream(ada.id)).state.isForgotten == false)

        let finished = try await shop.forgetCustomer(ada.id, forgetKey: forgetKey)
        #expect(finished.events.map { type(of: $0).eventType } == [CustomerForgotten.eventType])
        #expect(try await shop.customers.load(try Shop.customerStream(ada.id)).state.isForgotten)
        _ = try await shop.registerCustomer(name: "Another Ada", email: "ada@example.com")
    }

    @Test("when the key is already gone, the reservations are found in the log and released")
    func keyAlreadyGone() async throws {
        let grace = try await shop.registerCustomer(name: "Grace", email: "grace@example.com")
        _ = try await shop.changeEmail(customerId: grace.id, to: "grace@navy.mil")
        try await store.forget("customer-\(grace.id)")
        let taken = await #expect(throws: DomainError.self) { try await shop.registerCustomer(name: "G", email: "grace@navy.mil") }
        #expect(taken?.code == "duplicate-email")

        let forgotten = try await shop.forgetCustomer(grace.id, forgetKey: forgetKey)
        #expect(forgotten.events.map { type(of: $0).eventType } == [CustomerForgotten.eventType])
        _ = try await shop.registerCustomer(name: "G", email: "grace@navy.mil")
        _ = try await shop.registerCustomer(name: "G", email: "grace@example.com")
    }

    @Test("a forgotten customer cannot register again under the same id, change their email or order")
    func forgottenCustomerRefused() async throws {
        let ada = try await shop.registerCustomer(name: "Ada", email: "ada@example.com", idempotencyKey: "signup-1")
        _ = try await shop.forgetCustomer(ada.id, forgetKey: forgetKey)
        let shop = shop
        let id = ada.id
        let attempts: [@Sendable () async throws -> Void] = [
            { _ = try await shop.registerCustomer(name: "Ada", email: "ada@example.com", idempotencyKey: "signup-1") },
            { _ = try await shop.changeEmail(customerId: id, to: "ada@lovelace.org") },
            { _ = try await shop.placeOrder(customerId: id) },
        ]
        for attempt in attempts {
            let refused = await #expect(throws: DomainError.self) { try await attempt() }
            #expect(refused?.code == "customer-forgotten")
        }
        // The refused registration left the address free.
        _ = try await shop.registerCustomer(name: "Another Ada", email: "ada@example.com")
    }

    @Test("reservations go to keyed streams; those an older shop made in plain SHA-256 streams still hold and are released")
    func keyedAndUnkeyedReservations() async throws {
        let email = try EmailAddress("old@example.com")
        let keyed = try await email.reservationStream(digester: shop.digester)
        #expect(keyed != email.unkeyedReservationStream)
        #expect(keyed.category == "emailreservation")

        // A reservation as an older shop stored it, for a customer registered back then.
        let old = "old-customer"
        let reserved = NewEvent(type: EmailReserved.eventType, data: Data(#"{"customerId":"\#(old)"}"#.utf8))
        _ = try await store.append([reserved], to: email.unkeyedReservationStream, expecting: .noStream)
        let registered = NewEvent(
            type: CustomerRegistered.eventType,
            data: Data(#"{"customerId":"\#(old)","name":"Old","email":"old@example.com"}"#.utf8)
        )
        _ = try await store.append([registered], to: try Shop.customerStream(old), expecting: .noStream)
        let taken = await #expect(throws: DomainError.self) { try await shop.registerCustomer(name: "New", email: "OLD@example.com") }
        #expect(taken?.code == "duplicate-email")
        #expect(try await store.currentVersion(of: keyed) == nil, "a refused registration reserves nothing")

        _ = try await shop.changeEmail(customerId: old, to: "new@example.com")
        let fresh = try await shop.registerCustomer(name: "New", email: "old@example.com")
        #expect(try await shop.reservations.load(keyed).state == fresh.id)
    }
}
