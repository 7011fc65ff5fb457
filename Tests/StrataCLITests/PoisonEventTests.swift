//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import StrataTestSupport
import Testing

@Suite("A stored event no version can apply never keeps strata serve from starting or serving", .serialized, .timeLimit(.minutes(3)))
struct PoisonEventTests {
    /// The line an older version accepted and stored: its total overflows a 64-bit integer.
    static let overflowingLine = #"{"line":{"sku":"a","quantity":9223372036854775807,"unitPriceCents":2}}"#

    @Test("an overflowing order line already in the log is parked; the service starts, serves, and starts again")
    func overflowingLineInTheLog() async throws {
        try await TestStore.with { store in
            for (type, data) in [
                ("OrderPlaced", #"{"orderId":"o1","customerId":"c1"}"#),
                ("OrderLineAdded", Self.overflowingLine),
                ("OrderLineAdded", Self.overflowingLine),
                ("OrderConfirmed", #"{"totalCents":9223372036854775807}"#),
            ] {
                let appended = try await store.append(stream: "order-o1", type: type, data: data)
                try #require(appended.status == 0, "\(appended.stderr)")
            }
            for start in 1...2 {
                let service = try await ServeProcess.start(["--store", store.url], in: store.folder)
                let parked = try await eventually("three parked events", within: .seconds(20), every: .milliseconds(50)) {
                    let reply = try await service.request("GET", "/projections/shop-views/parked")
                    return reply.array.count >= 3 ? reply : nil
                }.array
                #expect(parked.count == 3, "the overflowing line, and the events of its stream held back behind it")
                #expect(parked.first.flatMap { ($0["event"] as? [String: Any])?["type"] as? String } == "OrderLineAdded")
                #expect(try await service.request("GET", "/health/live").status == 200)
                let order = try await service.request("GET", "/orders/o1")
                #expect(order.status == 200, "\(order.text)")
                #expect(order.json["totalCents"] as? Int == 0, "the view kept the order as it was before the poison line")

                let loaded = try await service.request("POST", "/orders/o1/lines", json: #"{"sku":"b","quantity":1,"unitPriceCents":1}"#)
                #expect(loaded.status == 422, "the order is confirmed already; loading it must not trap: \(loaded.text)")
                let registered = try await service.request(
                    "POST", "/customers", json: #"{"name":"Ada","email":"ada\#(start)@example.com"}"#)
                #expect(registered.status == 201, "start \(start): \(registered.text)")
                let stopped = await service.stop()
                #expect(stopped == 0, "start \(start) exits cleanly: \(service.log)")
            }
        }
    }
}
