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
import Synchronization
import Testing

@Suite("Order payment process", .timeLimit(.minutes(5)))
struct OrderPaymentProcessTests {
    /// A confirmed order of `cents`, for a new customer.
    private func confirmedOrder(_ shop: Shop, cents: Int, email: String) async throws -> String {
        let customer = try await shop.registerCustomer(name: "Ada", email: email)
        let order = try await shop.placeOrder(customerId: customer.id)
        _ = try await shop.order(order.id, .addLine(try OrderLine(sku: "A", quantity: 1, unitPriceCents: cents)))
        _ = try await shop.order(order.id, .confirm)
        return order.id
    }

    private func status(_ shop: Shop, _ orderId: String) async throws -> Order.Status? {
        try await shop.orders.load(try Shop.orderStream(orderId)).state.status
    }

    @Test("a successful payment marks the order paid; an unpaid confirmed order is cancelled at the deadline, once")
    func paymentAndTimeout() async throws {
        let store = InMemoryEventStore()
        let shop = Shop(store: store)
        let clock = ManualClock()
        var configuration = ProcessManagerRunner<OrderPaymentProcess>.Configuration()
        configuration.clock = clock
        configuration.currentDate = { clock.date }
        let sent = Mutex<[String]>([])
        let runner = ProcessManagerRunner(OrderPaymentProcess(paymentTimeout: .seconds(60)), store: store, configuration: configuration) {
            command, context in
            sent.withLock { $0.append("\(command)") }
            try await shop.dispatch(command, context)
        }
        let task = Task { try await runner.run() }
        defer { task.cancel() }

        // Paid before the timeout (the runner's clock stands still until the test moves it), before the other order
        // exists.
        let paid = try await confirmedOrder(shop, cents: 500, email: "paid@example.com")
        let payment = try await shop.pay(orderId: paid, amountCents: 500, metadata: CommandMetadata(correlationID: "checkout-1"))
        let unpaid = try await confirmedOrder(shop, cents: 700, email: "unpaid@example.com")
        let confirmed = try #require(try await store.readStream(try Shop.orderStream(unpaid)).last).position
        try await eventually("the order to be paid", every: .milliseconds(20)) { try await status(shop, paid) == .paid }
        // The clock moves once the runner has scheduled the unpaid order's deadline: scheduled after the move, it
        // would fall due on a clock that no longer moves.
        try await eventually("the runner to handle the unpaid order's confirmation", every: .milliseconds(20)) {
            try await store.processCheckpoint(OrderPaymentProcess().name) ?? .start >= confirmed
        }
        #expect(try await status(shop, unpaid) == .confirmed, "no deadline is due before the clock moves")
        // The clock moves an hour at a time until the order is cancelled: the runner's deadline loop computes how
        // long to sleep from the date, then starts its sleep on the clock, and a single move that fell between
        // the two would leave it asleep until an hour after the move, on a clock that no longer moves.
        try await eventually("the unpaid order to be cancelled", every: .milliseconds(20)) {
            clock.advance(by: .seconds(3600))
            return try await status(shop, unpaid) == .cancelled
        }

        // The paid order's deadline fell due before the unpaid one's, so had it not been cancelled it would have
        // been sent first.
        #expect(
            sent.withLock { $0 } == [
                "\(OrderPaymentProcess.Command.markPaid(orderId: paid, paymentId: payment.paymentId))",
                "\(OrderPaymentProcess.Command.cancelIfUnpaid(orderId: unpaid))",
            ])
        #expect(try await status(shop, paid) == .paid)
        let paidEvents = try await store.readStream(try Shop.orderStream(paid))
        let marked = try #require(paidEvents.last)
        #expect(marked.type == OrderPaid.eventType)
        #expect(marked.metadata.correlationID == "checkout-1", "the correlation flows from the payment to the order")
        let paymentEvent = try #require(try await store.readStream(try Shop.paymentStream(orderId: paid)).first)
        #expect(marked.metadata.causationID == paymentEvent.id.lowercasedString)
        #expect(payment.result.position < marked.position)
        let cancellations = try await store.readStream(try Shop.orderStream(unpaid)).filter { $0.type == OrderCancelled.eventType }
        #expect(cancellations.count == 1)
        let late = await #expect(throws: DomainError.self) { try await shop.pay(orderId: unpaid, amountCents: 700) }
        #expect(late?.code == "order-cancelled")
    }

    @Test("the shop's personal data is crypto-shredded; the customer's orders are untouched")
    func forgettingACustomer() async throws {
        let store = ProtectedEventStore(InMemoryEventStore(), rules: Shop.personalDataRules)
        let shop = Shop(store: store)
        let customer = try await shop.registerCustomer(name: "Ada Lovelace", email: "ada@example.com")
        let order = try await shop.placeOrder(customerId: customer.id)
        _ = try await shop.changeEmail(customerId: customer.id, to: "ada@lovelace.org")
        let raw = try await store.base.readStream(try Shop.customerStream(customer.id))
        #expect(!raw.contains { String(decoding: $0.data, as: UTF8.self).contains("Ada") })

        try await store.forget("customer-\(customer.id)")
        let forgotten = try await shop.customers.load(try Shop.customerStream(customer.id)).state
        #expect(forgotten.name == "[redacted]")
        #expect(forgotten.email == "[redacted]")
        #expect(forgotten.isRegistered)
        #expect(try await shop.orders.load(try Shop.orderStream(order.id)).state.customerId == customer.id)
        _ = try await shop.order(order.id, .addLine(try OrderLine(sku: "A", quantity: 1, unitPriceCents: 1)))
    }
}
