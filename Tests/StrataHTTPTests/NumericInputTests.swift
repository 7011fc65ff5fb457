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

@Suite("Numbers in requests: at and past their limits they get a 400 or 422, never a trap", .timeLimit(.minutes(5)))
struct NumericInputTests {
    static let beyondPositions = ["9223372036854775808", "18446744073709551615", "18446744073709551616", "-1", "1e3", " "]

    @Test("Last-Event-ID beyond the positions a store holds is a 400", arguments: beyondPositions)
    func lastEventID(value: String) async throws {
        try await ShopHarness().run { shop in
            let reply = try await shop.get("/events", headers: [.lastEventID: value])
            #expect(reply.status == .badRequest)
            #expect(reply.problemCode == "invalid-last-event-id")
        }
    }

    @Test("Strata-Min-Position and minPosition beyond the positions a store holds are a 400", arguments: beyondPositions)
    func minimumPosition(value: String) async throws {
        try await ShopHarness().run { shop in
            let header = try await shop.get("/reports/daily-sales", headers: [.strataMinPosition: value])
            #expect(header.status == .badRequest)
            #expect(header.problemCode == "invalid-min-position")
            let escaped = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
            let query = try await shop.get("/reports/daily-sales?minPosition=\(escaped)")
            #expect(query.status == .badRequest)
        }
    }

    @Test("the largest position is refused as beyond the end of the log, not waited for")
    func largestMinimumPosition() async throws {
        try await ShopHarness(readTimeout: .seconds(600)).run { shop in
            let reply = try await shop.get("/reports/daily-sales", headers: [.strataMinPosition: "9223372036854775807"])
            #expect(reply.status == .badRequest)
            #expect(reply.problemCode == "invalid-min-position")
        }
    }

    @Test("order lines beyond the quantity and price limits are a 400 and append nothing")
    func orderLines() async throws {
        try await ShopHarness().run { shop in
            let order = try await shop.placeOrder(for: try await shop.registerCustomer())
            let head = try await shop.events.base.headPosition()
            for (quantity, price) in [
                ("9223372036854775807", "2"), ("10001", "1"), ("0", "1"), ("-1", "1"), ("1", "-1"), ("1", "100000001"),
                ("92233720368547758070", "1"), ("1.5", "1"), ("1e30", "1"), ("\"1\"", "1"),
            ] {
                let reply = try await shop.post("/orders/\(order)/lines", #"{"sku":"a","quantity":\#(quantity),"unitPriceCents":\#(price)}"#)
                #expect(reply.status == .badRequest, "\(quantity) × \(price): \(reply.text)")
            }
            #expect(try await shop.events.base.headPosition() == head)
        }
    }

    @Test("a sku raised past its quantity limit is a 422 and appends nothing")
    func mergedQuantity() async throws {
        try await ShopHarness().run { shop in
            let order = try await shop.placeOrder(for: try await shop.registerCustomer())
            try await shop.addLine(order, sku: "a", quantity: 10_000, unitPriceCents: 1)
            let head = try await shop.events.base.headPosition()
            let reply = try await shop.post("/orders/\(order)/lines", #"{"sku":"a","quantity":1,"unitPriceCents":1}"#)
            #expect(reply.status == .unprocessableContent)
            #expect(reply.problemCode == "quantity-limit")
            #expect(try await shop.events.base.headPosition() == head)
        }
    }

    @Test("If-Match, from and limit beyond their ranges are a 400")
    func versionsAndPaging() async throws {
        try await ShopHarness().run { shop in
            let order = try await shop.placeOrder(for: try await shop.registerCustomer())
            let ifMatch = try await shop.post(
                "/orders/\(order)/lines", #"{"sku":"a","quantity":1,"unitPriceCents":1}"#, headers: [.ifMatch: "\"18446744073709551615\""])
            #expect(ifMatch.status == .badRequest)
            #expect(try await shop.get("/streams/order-\(order)?from=18446744073709551615").status == .badRequest)
            #expect(try await shop.get("/streams/order-\(order)?limit=18446744073709551616").status == .badRequest)
            let last = try await shop.get("/streams/order-\(order)?from=9223372036854775807")
            #expect(last.status == .ok)
            #expect((last["events"] as? [Any])?.isEmpty == true)
            #expect(try await shop.post("/projections/shop-views/rebuild?from=18446744073709551615").status == .badRequest)
        }
    }

    @Test("payments of amounts at the integer limits are answered, not trapped on")
    func paymentAmounts() async throws {
        try await ShopHarness().run { shop in
            let order = try await shop.confirmedOrder()
            let huge = try await shop.post("/orders/\(order)/payments", #"{"amountCents":9223372036854775807}"#)
            #expect(huge.status == .unprocessableContent)
            #expect(huge.problemCode == "wrong-amount")
            let negative = try await shop.post("/orders/\(order)/payments", #"{"amountCents":-9223372036854775808}"#)
            #expect(negative.status == .badRequest)
            let overflow = try await shop.post("/orders/\(order)/payments", #"{"amountCents":9223372036854775808}"#)
            #expect(overflow.status == .badRequest)
        }
    }
}
