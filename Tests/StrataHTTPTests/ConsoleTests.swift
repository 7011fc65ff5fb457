//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import HTTPTypes
import Hummingbird
import Strata
import StrataHTTP
import StrataTestSupport
import Testing

@Suite("The operator console", .timeLimit(.minutes(5)))
struct ConsoleTests {
    static let secret = "a-console-secret-that-is-32-bytes-or-more"

    /// What a browser sends with a form of the console's own pages.
    static let sameOrigin: HTTPFields = [HTTPField.Name("Sec-Fetch-Site")!: "same-origin"]

    @Test("the console shows what the stores hold: the overview, streams, a stream's events, an event's data, a paid order's causation tree")
    func pagesShowTheStores() async throws {
        try await ShopHarness().run { shop in
            let customer = try await shop.registerCustomer("<script>alert('owned')</script>", email: "mallory@example.com")
            let order = try await shop.placeOrder(for: customer)
            try await shop.addLine(order)
            #expect(try await shop.post("/orders/\(order)/confirm").status == .ok)
            let paid = try await shop.post("/orders/\(order)/payments", #"{"amountCents":2500}"#, headers: [.correlationID: "payment-of-\(order)"])
            #expect(paid.status == .created)
            _ = try await shop.eventually("/orders/\(order)") { $0.string("status") == "paid" }

            let overview = try await shop.get("/console")
            #expect(overview.status == .ok)
            #expect(overview.headers[.contentType] == "text/html; charset=utf-8")
            #expect(overview.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(overview.text.contains(#"<a href="/console/projections/shop-views">shop-views</a>"#))
            #expect(overview.text.contains("OrderPaid"))
            #expect(overview.text.contains(#"<dd id="health" class="health-ready">ready</dd>"#), "health as GET /health says")
            // The overview's projections refresh themselves from the projections page, which holds the same table
            // and reads less.
            #expect(overview.text.contains(#"id="projections" data-refresh="/console/projections""#))
            #expect(try await shop.get("/console/projections").text.contains(#"<table class="projections" id="projections""#))
            for category in ["customer", "order", "payment"] {
                #expect(overview.text.contains(#"<a href="/console/streams?category=\#(category)">\#(category)</a>"#), "\(category)")
            }
            let categories = try await shop.get("/console/categories")
            #expect(categories.text.contains(#"<a href="/console/streams?category=order">order</a>"#))

            // The chart starts with the seconds before the page: every event of this test was recorded in the last
            // few, and the live stream goes on after the head the page shows.
            let head = try #require(overview.text.between(#"<dd id="head">"#, "</dd>").flatMap { Int($0) })
            let counts = try #require(overview.text.between(#"data-counts=""#, #"""#)).split(separator: ",").compactMap { Int($0) }
            #expect(counts.count == 180)
            #expect(counts.suffix(30).reduce(0, +) == head, "\(counts)")
            #expect(overview.text.contains(#"data-complete="true""#))
            #expect(overview.text.contains(#"data-live="/console/live?from=\#(head + 1)""#))

            let streams = try await shop.get("/console/streams?category=order")
            #expect(streams.text.contains(#"<a href="/console/streams/order-\#(order)">order-\#(order)</a>"#))
            #expect(!streams.text.contains("customer-\(customer)"), "only the category asked for")
            let byPrefix = try await shop.get("/console/streams?prefix=order-\(order.prefix(8))")
            #expect(byPrefix.text.contains(#"<a href="/console/streams/order-\#(order)">"#))
            #expect(!byPrefix.text.contains("customer-"), "only the ids that start so")

            let stream = try await shop.get("/console/streams/order-\(order)")
            for type in ["OrderPlaced", "OrderLineAdded", "OrderConfirmed", "OrderPaid"] {
                #expect(stream.text.contains("<td>\(type)</td>"), "\(type)")
            }

            // The customer's registration: data escaped, never markup.
            let customerEvents = try await shop.get("/streams/customer-\(customer)")
            let registration = try #require((customerEvents["events"] as? [[String: Any]])?.first)
            let position = try #require(registration["position"] as? Int)
            let event = try await shop.get("/console/events/\(position)")
            #expect(event.status == .ok)
            #expect(event.text.contains("&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;"))
            #expect(!event.text.contains("<script>alert"))
            #expect(event.text.contains("CustomerRegistered"))

            // Numbers as stored, beyond Int64 and Double too: an operator reads the event, not a rounding of it.
            let imported = try await shop.events.append(
                [NewEvent(type: "Imported", data: Data(#"{"big":123456789012345678901234,"rate":0.1234567890123456789}"#.utf8))],
                to: StreamID(category: "import", id: "1"),
                expecting: .noStream
            )
            let numbers = try await shop.get("/console/events/\(imported.position.value)")
            #expect(numbers.text.contains("&quot;big&quot; : 123456789012345678901234"), "\(numbers.text)")
            #expect(numbers.text.contains("&quot;rate&quot; : 0.1234567890123456789"))

            // An event links the event that caused it; an event a command caused says so.
            let orderEvents = try await shop.get("/streams/order-\(order)")
            let paidEvent = (orderEvents["events"] as? [[String: Any]])?.first { $0["type"] as? String == "OrderPaid" }
            let paidPosition = try #require(paidEvent?["position"] as? Int)
            let paidPage = try await shop.get("/console/events/\(paidPosition)")
            let cause = try #require(paidPage.text.between(#"<dd id="cause">"#, "</dd>"))
            #expect(cause.contains("PaymentSucceeded"), "\(cause)")
            #expect(cause.contains(#"<a href="/console/events/"#))
            let paymentEvents = try await shop.get("/console/correlations/payment-of-\(order)")
            let succeeded = try #require(paymentEvents.text.between(#"<li><a href="/console/events/"#, #"""#))
            let commanded = try #require(try await shop.get("/console/events/\(succeeded)").text.between(#"<dd id="cause">"#, "</dd>"))
            #expect(commanded.contains("a command"), "\(commanded)")
            #expect(!commanded.contains("<a "))

            // The payment, the process manager's reaction and the order it paid, each under its cause.
            let tree = try await shop.get("/console/correlations/payment-of-\(order)")
            #expect(tree.status == .ok)
            let payment = try #require(tree.text.range(of: "PaymentSucceeded"))
            let orderPaid = try #require(tree.text.range(of: "OrderPaid"))
            #expect(payment.upperBound < orderPaid.lowerBound)
            #expect(tree.text[payment.upperBound..<orderPaid.lowerBound].contains("<ul>"), "the order's payment is nested under the payment")

            // Nothing there: a page that says so, with the status the API would give.
            let missing = try await shop.get("/console/events/999999")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "text/html; charset=utf-8")
            #expect(try await shop.get("/console/streams/not%20a%20stream").status == .notFound)
            #expect(try await shop.get("/console/projections/nothing").status == .notFound)

            // The live tail follows the log through the console's own event stream, whose events carry no names (a
            // browser's EventSource hears unnamed events only).
            let tail = try await shop.get("/console/tail?category=order&type=OrderPlaced,OrderPaid")
            #expect(tail.text.contains(#"data-live="/console/live?from=end&amp;category=order&amp;type=OrderPlaced,OrderPaid""#))
            let live = try await shop.get("/console/live?limit=2")
            #expect(live.headers[.contentType] == "text/event-stream")
            #expect(live.text.components(separatedBy: "\ndata: {").count == 3, "\(live.text)")
            #expect(!live.text.contains("event: "))

            // The console is no part of the API.
            #expect(!(try await shop.get("/openapi.json").text.contains("/console")))
        }
    }

    @Test(
        "with tokens, the console asks for one, keeps it in a session cookie for its own pages, and does only what its scopes allow, from its own pages"
    )
    func tokensAndScopes() async throws {
        try await ShopHarness(authSecret: Self.secret).run { shop in
            let unsigned = try await shop.get("/console")
            #expect(unsigned.status == .unauthorized)
            #expect(unsigned.text.contains(#"href="/console/sign-in""#))
            #expect(try await shop.get("/console/sign-in").text.contains(#"<input type="password" name="token""#))

            let notAToken = try await signIn(shop, token: "<script>")
            #expect(notAToken.status == .badRequest)
            #expect(notAToken.headers[.setCookie] == nil)
            // A token of many scopes and claims is longer than a header value Strata stores; a cookie holds it.
            let long = "eyJhbGciOiJIUzI1NiJ9." + String(repeating: "a", count: 3000) + ".c2ln"
            #expect(try await signIn(shop, token: long).status == .seeOther)
            #expect(try await signIn(shop, token: long + String(repeating: "a", count: 1000)).status == .badRequest)

            let readToken = try await token("read")
            let signedIn = try await signIn(shop, token: readToken)
            #expect(signedIn.status == .seeOther)
            let cookie = try #require(signedIn.headers[.setCookie])
            #expect(cookie.hasPrefix("strata_console=\(readToken)"))
            for attribute in ["HttpOnly", "SameSite=Strict", "Path=/console"] { #expect(cookie.contains(attribute), "\(attribute)") }
            #expect(!cookie.contains("Expires") && !cookie.contains("Max-Age"), "kept for the browser session only")
            // A sign-in posted by another site is refused.
            #expect(try await shop.send(.post, "/console/sign-in", headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"]).status == .forbidden)

            let reader = session(readToken)
            let page = try await shop.get("/console/projections/shop-views", headers: reader)
            #expect(page.status == .ok)
            #expect(!page.text.contains("/rebuild"), "a reader sees no actions")
            #expect(page.text.contains(#"action="/console/sign-out""#))
            var readerPosting = reader
            readerPosting.append(contentsOf: Self.sameOrigin)
            #expect(try await shop.post("/console/projections/shop-views/rebuild", headers: readerPosting).status == .forbidden)
            // The cookie is the console's: the API takes bearer tokens in their header only.
            #expect(try await shop.get("/events?limit=1", headers: reader).status == .unauthorized)

            let admin = session(try await token("admin"))
            let before = try await shop.get("/projections/shop-views", headers: try await bearer("read", secret: Self.secret))
            let generation = try #require(before["generation"] as? Int)
            let controls = try await shop.get("/console/projections/shop-views", headers: admin)
            #expect(controls.text.contains(#"action="/console/projections/shop-views/rebuild""#))
            #expect(controls.text.contains("data-confirm="), "asks before it acts")
            // A form another site posts, with the admin's cookie, does nothing.
            var crossSite = admin
            crossSite[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
            #expect(try await shop.post("/console/projections/shop-views/rebuild", headers: crossSite).status == .forbidden)
            var noOrigin = admin
            noOrigin[.contentType] = "application/x-www-form-urlencoded"
            #expect(try await shop.post("/console/projections/shop-views/rebuild", headers: noOrigin).status == .forbidden)

            var adminPosting = admin
            adminPosting.append(contentsOf: Self.sameOrigin)
            let rebuilt = try await shop.post("/console/projections/shop-views/rebuild", headers: adminPosting)
            #expect(rebuilt.status == .seeOther)
            #expect(rebuilt.headers[.location] == "/console/projections/shop-views?done=rebuild-started")
            #expect(try await shop.get("/console/projections/shop-views?done=rebuild-started", headers: admin).text.contains("Rebuild started."))
            // The rebuild is a request the running projection takes up: its new generation shows once it has.
            let readBearer = try await bearer("read", secret: Self.secret)
            try await eventually("the rebuild's new generation", every: .milliseconds(20)) {
                (try await shop.get("/projections/shop-views", headers: readBearer)["generation"] as? Int) == generation + 1
            }

            let expired = session(try await token("admin", expiresIn: -60))
            #expect(try await shop.get("/console", headers: expired).status == .unauthorized)
            // Signing in again works whatever the old cookie holds.
            #expect(try await shop.get("/console/sign-in", headers: expired).status == .ok)
        }
    }

    @Test("a reset takes a position from its form and refuses anything else")
    func resetForm() async throws {
        try await ShopHarness().run { shop in
            var form = Self.sameOrigin
            form[.contentType] = "application/x-www-form-urlencoded"
            let head = try #require(try await shop.get("/health").json["eventStore"] as? [String: Any])["head"] as? Int ?? 0
            for bad in ["position=-1", "position=abc", "position=18446744073709551616", "position=18446744073709551615", "position=\(head + 1)", ""] {
                let refused = try await shop.client.execute(
                    uri: "/console/projections/shop-views/reset",
                    method: .post,
                    headers: form,
                    body: ByteBuffer(string: bad)
                ) { $0.status }
                #expect(refused == .badRequest, "\(bad)")
            }
            let reset = try await shop.client.execute(
                uri: "/console/projections/shop-views/reset",
                method: .post,
                headers: form,
                body: ByteBuffer(string: "position=0")
            ) { $0.status }
            #expect(reset == .seeOther)
        }
    }

    private func token(_ scope: String, expiresIn seconds: TimeInterval = 600) async throws -> String {
        let header = try await bearer(scope, secret: Self.secret, expiresIn: seconds)
        return String(try #require(header[.authorization]).dropFirst("Bearer ".count))
    }

    private func session(_ token: String) -> HTTPFields {
        [.cookie: "strata_console=\(token)"]
    }

    private func signIn(_ shop: ShopClient, token: String) async throws -> Reply {
        var headers = Self.sameOrigin
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = "token=" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        return try await shop.client.execute(uri: "/console/sign-in", method: .post, headers: headers, body: ByteBuffer(string: body)) {
            Reply(status: $0.status, headers: $0.headers, text: String(buffer: $0.body))
        }
    }
}

extension String {
    /// The text between the first `start` and the next `end`.
    fileprivate func between(_ start: String, _ end: String) -> Substring? {
        guard let from = range(of: start), let to = self[from.upperBound...].range(of: end) else { return nil }
        return self[from.upperBound..<to.lowerBound]
    }
}
