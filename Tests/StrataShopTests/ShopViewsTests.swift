//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataShop
import StrataTestSupport
import Testing

@Suite("Shop views", .timeLimit(.minutes(5)))
struct ShopViewsTests {
    @Test("order details, a customer's orders and daily sales follow the commands; forgetting and rebuilding redacts the name")
    func views() async throws {
        let store = ProtectedEventStore(InMemoryEventStore(), rules: Shop.personalDataRules)
        let shop = Shop(store: store)
        let readStore = InMemoryReadStore()
        let runner = ProjectionRunner(store: store, readStore: readStore, projections: [ShopViews()])
        let queries = QueryHandler(readStore: readStore, progress: runner.progress, timeout: .seconds(10))
        let task = Task { try await runner.run() }
        defer { task.cancel() }

        let ada = try await shop.registerCustomer(name: "Ada", email: "ada@example.com")
        let first = try await shop.placeOrder(customerId: ada.id)
        let second = try await shop.placeOrder(customerId: ada.id)
        _ = try await shop.order(first.id, .addLine(try OrderLine(sku: "A-1", quantity: 2, unitPriceCents: 250)))
        _ = try await shop.order(first.id, .addLine(try OrderLine(sku: "B-2", quantity: 1, unitPriceCents: 100)))
        _ = try await shop.order(first.id, .removeLine(sku: "B-2"))
        let address = try ShippingAddress(street: "1 Main St", city: "London", postalCode: "N1", country: "GB")
        _ = try await shop.order(first.id, .changeShippingAddress(address))
        _ = try await shop.order(first.id, .confirm)
        let payment = try await shop.pay(orderId: first.id, amountCents: 500)
        let paid = try await shop.order(first.id, .markPaid(paymentId: payment.paymentId))
        let cancelled = try await shop.order(second.id, .cancel(reason: "duplicate"))

        let details = try #require(try await queries.ask(OrderDetailsQuery(orderId: first.id), minimumPosition: paid.position))
        #expect(details.customerName == "Ada")
        #expect(details.lines == [try OrderLine(sku: "A-1", quantity: 2, unitPriceCents: 250)])
        #expect(details.totalCents == 500)
        #expect(details.status == .paid)
        #expect(details.shippingAddress == address)
        #expect(try await queries.ask(OrderDetailsQuery(orderId: "unknown")) == nil)

        let list = try await queries.ask(CustomerOrdersQuery(customerId: ada.id), minimumPosition: cancelled.position)
        #expect(
            Set(list) == [
                CustomerOrder(id: first.id, status: .paid, totalCents: 500), CustomerOrder(id: second.id, status: .cancelled, totalCents: 0),
            ])
        let sales = try await queries.ask(DailySalesQuery(), minimumPosition: cancelled.position)
        #expect(sales.count == 1)
        #expect(sales.first?.orders == 1)
        #expect(sales.first?.totalCents == 500)

        try await store.forget("customer-\(ada.id)")
        try await runner.rebuild("shop-views")
        try await eventually("the rebuilt view to redact the forgotten customer", every: .milliseconds(20)) {
            try await queries.ask(OrderDetailsQuery(orderId: first.id))?.customerName == "[redacted]"
        }
        let redacted = try #require(try await queries.ask(OrderDetailsQuery(orderId: first.id)))
        #expect(redacted.customerName == "[redacted]")
        #expect(redacted.shippingAddress == nil)
        #expect(redacted.totalCents == 500, "nothing else about the order changes")
        #expect(try await queries.ask(DailySalesQuery()) == sales)
    }

    @Test("forgetting a customer drops their name and addresses from the views, without a rebuild, by its position")
    func forgetting() async throws {
        let store = ProtectedEventStore(InMemoryEventStore(), rules: Shop.personalDataRules)
        let shop = Shop(store: store)
        let readStore = InMemoryReadStore()
        let runner = ProjectionRunner(store: store, readStore: readStore, projections: [ShopViews()])
        let queries = QueryHandler(readStore: readStore, progress: runner.progress, timeout: .seconds(10))
        let task = Task { try await runner.run() }
        defer { task.cancel() }

        let ada = try await shop.registerCustomer(name: "Ada", email: "ada@example.com")
        let bob = try await shop.registerCustomer(name: "Bob", email: "bob@example.com")
        let order = try await shop.placeOrder(customerId: ada.id)
        let other = try await shop.placeOrder(customerId: bob.id)
        let address = try ShippingAddress(street: "1 Main St", city: "London", postalCode: "N1", country: "GB")
        _ = try await shop.order(order.id, .addLine(try OrderLine(sku: "A-1", quantity: 2, unitPriceCents: 250)))
        _ = try await shop.order(order.id, .changeShippingAddress(address))
        _ = try await shop.order(other.id, .changeShippingAddress(address))

        let forgotten = try await shop.forgetCustomer(ada.id, forgetKey: { try await store.forget($0) })
        let details = try #require(try await queries.ask(OrderDetailsQuery(orderId: order.id), minimumPosition: forgotten.position))
        #expect(details.customerName == "[redacted]")
        #expect(details.shippingAddress == nil)
        #expect(details.totalCents == 500, "nothing else about the order changes")
        let untouched = try #require(try await queries.ask(OrderDetailsQuery(orderId: other.id)))
        #expect(untouched.customerName == "Bob")
        #expect(untouched.shippingAddress == address)
    }
}
