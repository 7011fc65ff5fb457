//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PropertyBased
import Strata
import Testing

@testable import StrataShop

@Suite("Shop limits: numbers beyond them are rejected on the way in and never trap on the way back", .timeLimit(.minutes(5)))
struct ShopLimitsTests {
    /// A line an older version could store: the numbers that used to overflow the view's total.
    static let overflowingLine = #"{"line":{"sku":"a","quantity":9223372036854775807,"unitPriceCents":2}}"#

    @Test(
        "order lines outside the quantity and price limits are invalid input",
        arguments: [
            (0, 1), (-1, 1), (10_001, 1), (Int.max, 2), (Int.min, 1), (1, -1), (1, 100_000_001), (1, Int.max),
        ])
    func lineLimits(quantity: Int, price: Int) {
        #expect(throws: InvalidField.self) { try OrderLine(sku: "a", quantity: quantity, unitPriceCents: price) }
    }

    @Test("lines at the limits are valid")
    func lineAtLimits() throws {
        let line = try OrderLine(sku: "a", quantity: 10_000, unitPriceCents: 100_000_000)
        #expect(line.amountCents == 1_000_000_000_000)
        #expect(line.isWithinLimits)
    }

    @Test("adding to a sku past its quantity limit, or an order past its total limit, is a business rule (422)")
    func mergedLimits() async throws {
        let shop = Shop(store: InMemoryEventStore())
        let customer = try await shop.registerCustomer(name: "Ada", email: "ada@example.com")
        let order = try await shop.placeOrder(customerId: customer.id)
        _ = try await shop.order(order.id, .addLine(try OrderLine(sku: "a", quantity: 9_000, unitPriceCents: 1)))
        await #expect(throws: DomainError("a line may hold at most 10000 of a sku", code: "quantity-limit")) {
            _ = try await shop.order(order.id, .addLine(try OrderLine(sku: "a", quantity: 1_001, unitPriceCents: 1)))
        }
        for sku in ["b", "c", "d", "e", "f", "g", "h", "i", "j"] {
            _ = try await shop.order(order.id, .addLine(try OrderLine(sku: sku, quantity: 10_000, unitPriceCents: 100_000)))
        }
        // 9 lines of 1,000,000,000 cents and 9,000: one more line of that size passes the 10,000,000,000 limit.
        let rejected = await #expect(throws: DomainError.self) {
            _ = try await shop.order(order.id, .addLine(try OrderLine(sku: "k", quantity: 10_000, unitPriceCents: 100_000)))
        }
        #expect(rejected?.code == "order-total-limit")
        let state = try await shop.orders.load(try Shop.orderStream(order.id)).state
        #expect(state.totalCents == 9_000_009_000)
    }

    @Test("an order holding a stored line beyond the limits loads with a saturated total and cannot be confirmed until the line is removed")
    func storedOverflow() async throws {
        let store = InMemoryEventStore()
        let shop = Shop(store: store)
        let customer = try await shop.registerCustomer(name: "Ada", email: "ada@example.com")
        let order = try await shop.placeOrder(customerId: customer.id)
        let stream = try Shop.orderStream(order.id)
        for _ in 0..<2 {
            _ = try await store.append(
                [NewEvent(type: OrderLineAdded.eventType, data: Data(Self.overflowingLine.utf8))], to: stream, expecting: .any)
        }
        let state = try await shop.orders.load(stream).state
        #expect(state.lines.first?.quantity == Int.max)
        #expect(state.totalCents == Int.max)
        let rejected = await #expect(throws: DomainError.self) { _ = try await shop.order(order.id, .confirm) }
        #expect(rejected?.code == "order-line-limit")
        _ = try await shop.order(order.id, .removeLine(sku: "a"))
        _ = try await shop.order(order.id, .addLine(try OrderLine(sku: "b", quantity: 2, unitPriceCents: 3)))
        let confirmed = try await shop.order(order.id, .confirm)
        #expect((confirmed.events.first as? OrderConfirmed)?.totalCents == 6)
    }

    @Test("the views park a stored line beyond the limits and go on with the events after it")
    func viewsParkPoisonLine() async throws {
        let store = InMemoryEventStore()
        let shop = Shop(store: store)
        let readStore = InMemoryReadStore()
        var configuration = ProjectionRunner.Configuration()
        configuration.failurePolicy = ProjectionFailurePolicy(retry: RetryPolicy(maximumAttempts: 1))
        let runner = ProjectionRunner(store: store, readStore: readStore, projections: [ShopViews()], configuration: configuration)
        let queries = QueryHandler(readStore: readStore, progress: runner.progress, timeout: .seconds(10))
        let task = Task { try await runner.run() }
        defer { task.cancel() }

        let customer = try await shop.registerCustomer(name: "Ada", email: "ada@example.com")
        let poisoned = try await shop.placeOrder(customerId: customer.id)
        let poison = try await store.append(
            [NewEvent(type: OrderLineAdded.eventType, data: Data(Self.overflowingLine.utf8))],
            to: try Shop.orderStream(poisoned.id),
            expecting: .any
        )
        let healthy = try await shop.placeOrder(customerId: customer.id)
        let added = try await shop.order(healthy.id, .addLine(try OrderLine(sku: "a", quantity: 2, unitPriceCents: 250)))

        let details = try #require(try await queries.ask(OrderDetailsQuery(orderId: healthy.id), minimumPosition: added.position))
        #expect(details.totalCents == 500)
        let parked = try await runner.parkedEvents(of: "shop-views")
        #expect(parked.map(\.event.position) == [poison.position])
        #expect(parked.first?.error.contains("beyond") == true)
        let untouched = try #require(try await queries.ask(OrderDetailsQuery(orderId: poisoned.id)))
        #expect(untouched.lines.isEmpty)
        #expect(untouched.totalCents == 0)
    }

    @Test("any quantity and price make a valid line exactly when both are within the limits")
    func arbitraryLines() async {
        await propertyCheck(count: 1_000, input: Gen.int(), Gen.int()) { quantity, price in
            let valid = OrderLine.quantityLimit.contains(quantity) && OrderLine.unitPriceLimit.contains(price)
            do {
                let line = try OrderLine(sku: "a", quantity: quantity, unitPriceCents: price)
                #expect(valid)
                #expect(line.amountCents == quantity * price)
            } catch {
                #expect(!valid)
            }
        }
    }

    @Test("folding any stored lines, whatever their numbers, never traps and totals them with saturation")
    func arbitraryStoredLines() async {
        let stored = PropertyBased.zip(Gen<String?>.element(of: ["a", "b", "c"]), Gen.int(), Gen.int()).array(of: 0...12)
        await propertyCheck(count: 500, input: stored) { lines in
            let order = Order()
            var state = order.evolve(order.initialState, event: OrderPlaced(orderId: "o", customerId: "c"))
            for (sku, quantity, price) in lines {
                // propertyCheck drops errors thrown by its body, so a stored line that failed to decode would
                // pass unseen: it is recorded instead.
                guard
                    let line = expectDecoded(
                        OrderLine.self, #"{"sku":"\#(sku ?? "a")","quantity":\#(quantity),"unitPriceCents":\#(price)}"#)
                else { return }
                state = order.evolve(state, event: OrderLineAdded(line: line))
            }
            // Reaching this line is the main property: no trap. Without negative numbers, the total saturates.
            guard state.lines.allSatisfy({ $0.quantity >= 0 && $0.unitPriceCents >= 0 }) else { return }
            let exact = state.lines.reduce(0.0) { $0 + Double($1.quantity) * Double($1.unitPriceCents) }
            if exact > 9.3e18 {
                #expect(state.totalCents == Int.max)
            } else if exact < 9.1e18 {
                #expect(abs(Double(state.totalCents) - exact) <= exact * 1e-12 + 1)
            }
        }
    }
}

/// `json` decoded as `type`, or `nil` with the error recorded as an issue.
private func expectDecoded<T: Decodable>(_ type: T.Type, _ json: String) -> T? {
    do {
        return try JSONDecoder().decode(type, from: Data(json.utf8))
    } catch {
        Issue.record(error, "decoding \(json)")
        return nil
    }
}
