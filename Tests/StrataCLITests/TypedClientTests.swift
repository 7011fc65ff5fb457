//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import StrataShopClient
import StrataTestSupport
import Testing

@Suite("The typed client, generated from the OpenAPI document, against the real binary", .timeLimit(.minutes(5)))
struct TypedClientTests {
    @Test("with a token, the client registers, places an order, adds a line, confirms, reads its write and pays; the order ends paid")
    func orderToPayment() async throws {
        try await TestStore.with { store in
            let secret = ["STRATA_AUTH_SECRET": "a-typed-client-secret-of-32-bytes-or-more"]
            let service = try await ServeProcess.start(["--store", store.url], in: store.folder, environment: secret)
            let minted = try await StrataProcess.run(["token", "--scope", "read write", "--subject", "ada"], in: store.folder, environment: secret)
            #expect(minted.status == 0, "\(minted.stderr)")
            let shop = service.client(token: minted.stdout.trimmingCharacters(in: .whitespacesAndNewlines))

            let registered = try await shop.registerCustomer(body: .json(.init(email: "ada@example.com", name: "Ada Lovelace")))
            let customer = try #require(try registered.created.body.json.id)
            let placed = try await shop.placeOrder(body: .json(.init(customerId: customer)))
            let order = try #require(try placed.created.body.json.id)
            let added = try await shop.addOrderLine(
                path: .init(id: order),
                headers: .init(idempotencyKey: "add-book"),
                body: .json(.init(quantity: 2, sku: "book", unitPriceCents: 1250))
            )
            #expect(try added.ok.headers.strataPosition > 0)
            let confirmed = try await shop.confirmOrder(path: .init(id: order), headers: .init(ifMatch: "\"1\""))
            let position = try confirmed.ok.headers.strataPosition

            // Read your write: the view has processed the confirmation.
            let details = try await shop.getOrder(path: .init(id: order), headers: .init(strataMinPosition: "\(position)")).ok.body.json
            #expect(details.status == .confirmed)
            #expect(details.totalCents == 2_500)
            #expect(details.lines.map(\.sku) == ["book"])
            #expect(details.customerName == "Ada Lovelace")

            let paid = try await shop.payOrder(path: .init(id: order), body: .json(.init(amountCents: details.totalCents)))
            #expect(try paid.created.body.json.id?.isEmpty == false)
            // The order-payment process manager marks the order paid with a command of its own.
            let final = try await eventually("the order to be paid", within: .seconds(30), every: .milliseconds(50)) {
                let view = try await shop.getOrder(path: .init(id: order)).ok.body.json
                return view.status == .paid ? view : nil
            }
            #expect(final.status == .paid)

            // Problems arrive typed, with the stable code the document lists for the route.
            let refused = try await shop.addOrderLine(path: .init(id: order), body: .json(.init(quantity: 1, sku: "pen", unitPriceCents: 100)))
            #expect(try refused.unprocessableContent.body.applicationProblemJson.code == "order-not-open")
            let stale = try await shop.confirmOrder(path: .init(id: order), headers: .init(ifMatch: "\"1\""))
            #expect(try stale.preconditionFailed.body.applicationProblemJson.code == "precondition-failed")

            // The log, read through the same client.
            let stream = try await shop.readStream(path: .init(id: "order-\(order)")).ok.body.json
            #expect(stream.events.map(\._type) == ["OrderPlaced", "OrderLineAdded", "OrderConfirmed", "OrderPaid"])
            #expect(stream.events.allSatisfy { $0.metadata.additionalProperties["subject"] == "ada" || $0._type == "OrderPaid" })

            // Without a token the same call is refused, as the document says.
            let anonymous = try await service.client().getOrder(path: .init(id: order))
            #expect(try anonymous.unauthorized.body.applicationProblemJson.code == "unauthorized")
            #expect(await service.stop() == 0)
        }
    }
}
