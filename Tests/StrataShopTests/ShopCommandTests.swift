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

@Suite("Shop commands", .timeLimit(.minutes(5)))
struct ShopCommandTests {
    let store = InMemoryEventStore()
    var shop: Shop { Shop(store: store) }

    @Test("customers register with a valid, unique email; uniqueness ignores case and holds under races")
    func registration() async throws {
        let ada = try await shop.registerCustomer(name: "Ada", email: "ada@example.com")
        #expect(ada.result.streamVersion == 0)
        let duplicate = await #expect(throws: DomainError.self) { try await shop.registerCustomer(name: "Eve", email: " ADA@example.com") }
        #expect(duplicate?.code == "duplicate-email")
        for (name, email, field) in [("Eve", "not-an-email", "email"), ("Eve", "eve@localhost", "email"), (" ", "eve@example.com", "name")] {
            let invalid = await #expect(throws: InvalidField.self) { try await shop.registerCustomer(name: name, email: email) }
            #expect(invalid?.field == field)
        }

        let racing = shop
        let failures = await withTaskGroup(of: (any Error)?.self) { group in
            for index in 0..<8 {
                group.addTask {
                    do {
                        _ = try await racing.registerCustomer(name: "Racer \(index)", email: "race@example.com")
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(failures.filter { $0 == nil }.count == 1, "exactly one registration wins the address")
        // The others lose to the reservation, not to anything else that happened to go wrong.
        #expect(failures.compactMap { $0 }.allSatisfy { ($0 as? DomainError)?.code == "duplicate-email" }, "\(failures)")
    }

    @Test("changing an email reserves the new address and frees the old one")
    func changeEmail() async throws {
        let ada = try await shop.registerCustomer(name: "Ada", email: "ada@example.com")
        _ = try await shop.registerCustomer(name: "Bob", email: "bob@example.com")
        let taken = await #expect(throws: DomainError.self) { try await shop.changeEmail(customerId: ada.id, to: "bob@example.com") }
        #expect(taken?.code == "duplicate-email")
        let changed = try await shop.changeEmail(customerId: ada.id, to: "ada@lovelace.org", expectedVersion: 0)
        #expect(changed.streamVersion == 1)
        _ = try await shop.registerCustomer(name: "Another Ada", email: "ada@example.com")
        await #expect(throws: WrongExpectedVersion.self) { try await shop.changeEmail(customerId: ada.id, to: "x@example.com", expectedVersion: 0) }
        let unknown = await #expect(throws: DomainError.self) { try await shop.changeEmail(customerId: "nobody", to: "n@example.com") }
        #expect(unknown?.code == "unknown-customer")
    }

    @Test("orders follow their rules: lines while open, confirm needs a line, no cancelling once paid")
    func orderRules() async throws {
        let unknown = await #expect(throws: DomainError.self) { try await shop.placeOrder(customerId: "ghost") }
        #expect(unknown?.code == "unknown-customer")
        let customer = try await shop.registerCustomer(name: "Ada", email: "ada@example.com")
        let order = try await shop.placeOrder(customerId: customer.id)
        #expect(throws: InvalidField.self) { try OrderLine(sku: "A-1", quantity: 0, unitPriceCents: 100) }
        #expect(throws: InvalidField.self) { try OrderLine(sku: "A-1", quantity: 1, unitPriceCents: -1) }
        let empty = await #expect(throws: DomainError.self) { try await shop.order(order.id, .confirm) }
        #expect(empty?.code == "empty-order")

        _ = try await shop.order(order.id, .addLine(try OrderLine(sku: "A-1", quantity: 2, unitPriceCents: 250)))
        _ = try await shop.order(order.id, .addLine(try OrderLine(sku: "B-2", quantity: 1, unitPriceCents: 99)))
        _ = try await shop.order(order.id, .removeLine(sku: "B-2"))
        let noLine = await #expect(throws: DomainError.self) { try await shop.order(order.id, .removeLine(sku: "B-2")) }
        #expect(noLine?.code == "unknown-line")
        let address = try ShippingAddress(street: "1 Main St", city: "London", postalCode: "N1", country: "GB")
        _ = try await shop.order(order.id, .changeShippingAddress(address))
        _ = try await shop.order(order.id, .confirm)
        let closed = await #expect(throws: DomainError.self) {
            try await shop.order(order.id, .addLine(try OrderLine(sku: "C", quantity: 1, unitPriceCents: 1)))
        }
        #expect(closed?.code == "order-not-open")

        let wrong = await #expect(throws: DomainError.self) { try await shop.pay(orderId: order.id, amountCents: 499) }
        #expect(wrong?.code == "wrong-amount")
        let paid = try await shop.pay(orderId: order.id, amountCents: 500)
        #expect(!paid.isDeclined)
        let twice = await #expect(throws: DomainError.self) { try await shop.pay(orderId: order.id, amountCents: 500) }
        #expect(twice?.code == "already-paid")
        _ = try await shop.order(order.id, .markPaid(paymentId: paid.paymentId))
        let cancel = await #expect(throws: DomainError.self) { try await shop.order(order.id, .cancel(reason: "changed my mind")) }
        #expect(cancel?.code == "order-paid")
        let state = try await shop.orders.load(try Shop.orderStream(order.id)).state
        #expect(state.status == .paid)
        #expect(state.totalCents == 500)
        let addressed = try #require(try await store.readStream(try Shop.orderStream(order.id)).first { $0.type == ShippingAddressChanged.eventType })
        let changed = try Order().codec.decode(addressed) as? ShippingAddressChanged
        #expect(changed?.customerId == customer.id, "the address names its data subject")
        #expect(changed?.address == address)
    }

    @Test("a payment ending in 13 cents is declined, recorded, and may be followed by another attempt")
    func declinedPayment() async throws {
        let customer = try await shop.registerCustomer(name: "Ada", email: "ada@example.com")
        let order = try await shop.placeOrder(customerId: customer.id)
        _ = try await shop.order(order.id, .addLine(try OrderLine(sku: "A", quantity: 1, unitPriceCents: 1013)))
        _ = try await shop.order(order.id, .confirm)
        let declined = try await shop.pay(orderId: order.id, amountCents: 1013)
        #expect(declined.isDeclined)
        #expect(declined.result.position > .start)
        let recorded = try await store.readStream(try Shop.paymentStream(orderId: order.id))
        #expect(recorded.map(\.type) == ["PaymentDeclined"])
        #expect(try await shop.orders.load(try Shop.orderStream(order.id)).state.status == .confirmed)
    }

    @Test("a retried creation with an idempotency key creates nothing new")
    func idempotentCreation() async throws {
        let first = try await shop.registerCustomer(name: "Ada", email: "ada@example.com", idempotencyKey: "req-1")
        let retry = try await shop.registerCustomer(name: "Ada", email: "ada@example.com", idempotencyKey: "req-1")
        #expect(retry.id == first.id)
        #expect(retry.result.isReplay)
        #expect(retry.result.position == first.result.position)
        let order = try await shop.placeOrder(customerId: first.id, idempotencyKey: "req-2")
        let again = try await shop.placeOrder(customerId: first.id, idempotencyKey: "req-2")
        #expect(again.id == order.id)
        #expect(try await store.readAll(from: .start, limit: 100).filter { $0.type == "OrderPlaced" }.count == 1)
    }
}
