//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import StrataConformance
import StrataHTTP
import Testing

@Suite("Every failure is an RFC 9457 problem with the right status, and nothing is half-written", .timeLimit(.minutes(5)))
struct ProblemStatusTests {
    @Test("400: malformed JSON, a missing field, invalid fields")
    func badRequests() async throws {
        try await ShopHarness().run { shop in
            let customer = try await shop.registerCustomer()
            let order = try await shop.placeOrder(for: customer)
            let head = try await shop.events.base.headPosition()

            let malformed = try await shop.post("/customers", #"{"name":"Ada","#)
            #expect(malformed.status == .badRequest)
            #expect(malformed.headers[.contentType] == "application/problem+json")
            #expect(malformed.problemCode == "malformed-body")
            #expect(malformed["status"] as? Int == 400)
            #expect(malformed.string("type") == "urn:strata:problem:malformed-body")

            let missing = try await shop.post("/orders", "{}")
            #expect(missing.status == .badRequest)
            #expect(missing.string("detail")?.contains("customerId") == true)

            let empty = try await shop.post("/orders")
            #expect(empty.status == .badRequest)

            let wrongType = try await shop.post("/orders/\(order)/lines", #"{"sku":"a","quantity":"two","unitPriceCents":1}"#)
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.string("detail")?.contains("quantity") == true)

            let zero = try await shop.post("/orders/\(order)/lines", #"{"sku":"a","quantity":0,"unitPriceCents":1}"#)
            #expect(zero.status == .badRequest)
            #expect(zero.problemCode == "invalid-field")
            #expect(zero.string("field") == "quantity")

            let badEmail = try await shop.post("/customers", #"{"name":"Ada","email":"not-an-email"}"#)
            #expect(badEmail.status == .badRequest)
            #expect(badEmail.string("field") == "email")

            let badAddress = try await shop.post("/orders/\(order)/shipping-address", #"{"street":"","city":"x","postalCode":"1","country":"x"}"#)
            #expect(badAddress.status == .badRequest)

            #expect(try await shop.events.base.headPosition() == head)
        }
    }

    @Test("404: unknown ids in the path, unknown routes")
    func notFound() async throws {
        try await ShopHarness().run { shop in
            for reply in [
                try await shop.get("/orders/nope"),
                try await shop.post("/orders/nope/confirm"),
                try await shop.post("/orders/nope/lines", #"{"sku":"a","quantity":1,"unitPriceCents":1}"#),
                try await shop.post("/orders/nope/payments", #"{"amountCents":1}"#),
                try await shop.post("/customers/nope/email", #"{"email":"a@example.com"}"#),
                try await shop.get("/streams/customer-nope"),
                try await shop.get("/no/such/route"),
            ] {
                #expect(reply.status == .notFound, "\(reply.text)")
                #expect(reply.headers[.contentType] == "application/problem+json")
            }
            #expect(try await shop.events.base.headPosition() == .start)
        }
    }

    @Test("422: the shop's business rules")
    func businessRules() async throws {
        try await ShopHarness().run { shop in
            let customer = try await shop.registerCustomer(email: "ada@example.com")
            let duplicate = try await shop.post("/customers", #"{"name":"Other","email":"ADA@example.com"}"#)
            #expect(duplicate.status == .unprocessableContent)
            #expect(duplicate.problemCode == "duplicate-email")

            let unknownCustomer = try await shop.post("/orders", #"{"customerId":"nobody"}"#)
            #expect(unknownCustomer.status == .unprocessableContent)
            #expect(unknownCustomer.problemCode == "unknown-customer")

            let empty = try await shop.placeOrder(for: customer)
            let confirmEmpty = try await shop.post("/orders/\(empty)/confirm")
            #expect(confirmEmpty.status == .unprocessableContent)
            #expect(confirmEmpty.problemCode == "empty-order")

            let order = try await shop.confirmedOrder()
            let wrongAmount = try await shop.post("/orders/\(order)/payments", #"{"amountCents":1}"#)
            #expect(wrongAmount.status == .unprocessableContent)
            #expect(wrongAmount.problemCode == "wrong-amount")

            #expect(try await shop.post("/orders/\(order)/payments", #"{"amountCents":2500}"#).status == .created)
            let twice = try await shop.post("/orders/\(order)/payments", #"{"amountCents":2500}"#)
            #expect(twice.status == .unprocessableContent)
            #expect(twice.problemCode == "already-paid")

            _ = try await shop.eventually("/orders/\(order)") { $0.string("status") == "paid" }
            let cancelPaid = try await shop.post("/orders/\(order)/cancel")
            #expect(cancelPaid.status == .unprocessableContent)
            #expect(cancelPaid.problemCode == "order-paid")
        }
    }

    @Test("409: a concurrency conflict that outlasts the retries; nothing is appended")
    func conflict() async throws {
        try await ShopHarness().run { shop in
            let order = try await shop.placeOrder(for: try await shop.registerCustomer())
            let head = try await shop.events.base.headPosition()
            shop.events.inject(.conflictOnAppend)
            let reply = try await shop.post("/orders/\(order)/lines", #"{"sku":"a","quantity":1,"unitPriceCents":1}"#)
            #expect(reply.status == .conflict)
            #expect(reply.problemCode == "concurrency-conflict")
            #expect(try await shop.events.base.headPosition() == head)
        }
    }

    @Test("413: a body over the limit, announced or not")
    func tooLarge() async throws {
        try await ShopHarness(maxBodySize: 1024).run { shop in
            let name = String(repeating: "a", count: 4096)
            let reply = try await shop.post("/customers", #"{"name":"\#(name)","email":"a@example.com"}"#)
            #expect(reply.status == .contentTooLarge)
            #expect(reply.problemCode == "body-too-large")
            #expect(try await shop.events.base.headPosition() == .start)
        }
    }

    @Test("503: a view that does not reach the requested position in time, logged below error level")
    func staleView() async throws {
        let log = LogRecorder()
        var harness = ShopHarness(readTimeout: .milliseconds(200))
        harness.logger = log.logger
        // The projection cannot write: the views stay behind the log.
        let readStore = ReadStoreOnHold()
        harness.makeReadStore = { readStore }
        harness.viewsBuildBeforeTheTest = false
        try await harness.run { shop in
            let customer = try await shop.registerCustomer()
            let placed = try await shop.post("/orders", #"{"customerId":"\#(customer)"}"#)
            let order = try #require(placed.string("id"))
            let position = try #require(placed.position)
            let reply = try await shop.get("/orders/\(order)", headers: [.strataMinPosition: "\(position)"])
            #expect(reply.status == .serviceUnavailable)
            #expect(reply.problemCode == "stale-read-model")
            #expect(reply["requiredPosition"] as? Int == position)
            #expect(reply.headers[.retryAfter] == "1")
            let malformed = try await shop.get("/orders/\(order)", headers: [.strataMinPosition: "soon"])
            #expect(malformed.status == .badRequest)
            readStore.release()
        }
        // The client asked for a position the view had not reached: an answer to load, not a failure.
        #expect(log.messages(atLeast: .notice).contains("request deferred"))
        #expect(log.messages(atLeast: .error).isEmpty)
    }

    @Test("400: a position beyond the end of the log was never a command's answer, and is refused without waiting")
    func positionBeyondTheLog() async throws {
        // A wait would end in 503 only after the read timeout; the 400 says no wait took place.
        try await ShopHarness(readTimeout: .seconds(600)).run { shop in
            let placed = try await shop.post("/orders", #"{"customerId":"\#(try await shop.registerCustomer())"}"#)
            let position = try #require(placed.position)
            let reply = try await shop.get("/reports/daily-sales", headers: [.strataMinPosition: "\(position + 1)"])
            #expect(reply.status == .badRequest, "\(reply.text)")
            #expect(reply.problemCode == "invalid-min-position")
            let query = try await shop.get("/customers/x/orders?minPosition=\(position + 1)")
            #expect(query.problemCode == "invalid-min-position")
            // At the end of the log it is an ordinary read-your-writes query.
            #expect(try await shop.get("/reports/daily-sales", headers: [.strataMinPosition: "\(position)"]).status == .ok)
        }
    }

    @Test("503: a view whose projection has not built it yet, with Retry-After, logged below error level; not ready until it is")
    func viewNotBuilt() async throws {
        let log = LogRecorder()
        var harness = ShopHarness()
        harness.logger = log.logger
        let readStore = ReadStoreOnHold()
        harness.makeReadStore = { readStore }
        harness.viewsBuildBeforeTheTest = false
        try await harness.run { shop in
            let reply = try await shop.get("/orders/o1")
            #expect(reply.status == .serviceUnavailable, "\(reply.text)")
            #expect(reply.problemCode == "view-not-built")
            #expect(reply.headers[.retryAfter] == "1")
            // Not ready for traffic while a view is not built, though both stores answer.
            let starting = try await shop.get("/health")
            #expect(starting.status == .serviceUnavailable, "\(starting.text)")
            #expect((starting["readStore"] as? [String: Any])?["status"] as? String == "up")
            // Once the runner has built the view, the same query is an ordinary 404 for an order that does not
            // exist, and the service is ready.
            readStore.release()
            let built = try await shop.eventually("/orders/o1") { $0.status != .serviceUnavailable }
            #expect(built.status == .notFound, "\(built.text)")
            #expect(try await shop.get("/health").status == .ok)
        }
        // The service is starting, not failing.
        #expect(log.messages(atLeast: .notice).contains("request deferred"))
        #expect(log.messages(atLeast: .error).isEmpty)
    }

    @Test("503: the database is unavailable, logged as an error; health says so too")
    func databaseUnavailable() async throws {
        let log = LogRecorder()
        var harness = ShopHarness()
        harness.logger = log.logger
        try await harness.run { shop in
            let customer = try await shop.registerCustomer()
            shop.events.inject(.unavailable)
            let reply = try await shop.post("/orders", #"{"customerId":"\#(customer)"}"#)
            #expect(reply.status == .serviceUnavailable)
            #expect(reply.problemCode == "database-unavailable")
            let health = try await shop.get("/health")
            #expect(health.status == .serviceUnavailable)
            #expect((health["eventStore"] as? [String: Any])?["status"] as? String == "down")
            shop.events.inject(.none)
            #expect(try await shop.get("/health").status == .ok)
        }
        #expect(log.messages(atLeast: .error).contains("request failed"))
    }
}
