//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import Prometheus
import Strata
import StrataCommandLine
import StrataHTTP
import StrataShop
import StrataShopService
import StrataTestSupport
import Testing

/// The shop served in process over in-memory stores, driven through Hummingbird's router test client.
struct ShopHarness {
    var authSecret: String?
    var readTimeout: Duration = .seconds(3)
    var maxBodySize = StrataHTTPConfiguration.defaultMaxBodySize
    var tokens = TokenPolicy()
    var maxEventStreams = StrataHTTPConfiguration().maxEventStreams
    /// The service's log; nothing is kept unless a test passes a logger of its own.
    var logger = Logger(label: "strata.test", factory: { _ in SwiftLogNoOpLogHandler() })
    /// The read store of each run; the views are built before the test starts, unless its projections cannot build.
    var makeReadStore: @Sendable () -> any ReadStore = { InMemoryReadStore() }
    var viewsBuildBeforeTheTest = true

    /// Runs `test` against a fresh shop service.
    func run(_ test: @Sendable (ShopClient) async throws -> Void) async throws {
        let events = FaultyEventStore()
        let store = ProtectedEventStore(events, keys: events.base, rules: Shop.personalDataRules)
        var http = StrataHTTPConfiguration()
        http.authSecret = authSecret
        http.maxBodySize = maxBodySize
        http.tokens = tokens
        http.maxEventStreams = maxEventStreams
        let metrics = PrometheusCollectorRegistry()
        let application = try ShopApplication.withDefaultOptions()
        let readStore = makeReadStore()
        let service = await StrataService.make(
            application,
            store: store,
            processManagerStore: events.base,
            readStore: readStore,
            forgetSubject: { try await store.forget($0) },
            http: http,
            readTimeout: readTimeout,
            metrics: metrics,
            logger: logger
        )
        try await service.application.test(.router) { [viewsBuildBeforeTheTest] client in
            if viewsBuildBeforeTheTest {
                // The runner starts with the service; a query before it has built its views would answer
                // `view-not-built`. Readiness says when they are built; a loaded test run can take seconds.
                try await eventually("the service to be ready", within: .seconds(60)) {
                    try await client.execute(uri: "/health", method: .get).status == .ok
                }
            }
            try await test(ShopClient(client: client, events: events, metrics: metrics))
        }
    }
}

/// A response with its body parsed as JSON.
struct Reply: @unchecked Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var text: String
    /// The body as a JSON object, or an empty one.
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
    /// The body as a JSON array, or an empty one.
    var array: [[String: Any]] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]] ?? [] }

    subscript(key: String) -> Any? { json[key] }
    var string: (String) -> String? { { key in json[key] as? String } }
    var position: Int? { json["position"] as? Int }
    var problemCode: String? { json["code"] as? String }
}

struct ShopClient: Sendable {
    let client: any TestClientProtocol
    let events: FaultyEventStore
    let metrics: PrometheusCollectorRegistry

    func send(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers: HTTPFields = [:]) async throws -> Reply {
        var headers = headers
        if json != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { response in
            Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
    }

    func post(_ uri: String, _ json: String? = nil, headers: HTTPFields = [:]) async throws -> Reply {
        try await send(.post, uri, json: json, headers: headers)
    }

    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> Reply {
        try await send(.get, uri, headers: headers)
    }

    // MARK: The shop's happy path, step by step

    func registerCustomer(_ name: String = "Ada Lovelace", email: String = "ada@example.com") async throws -> String {
        let reply = try await post("/customers", #"{"name":"\#(name)","email":"\#(email)"}"#)
        try #require(reply.status == .created, "\(reply.text)")
        return try #require(reply.string("id"))
    }

    func placeOrder(for customer: String) async throws -> String {
        let reply = try await post("/orders", #"{"customerId":"\#(customer)"}"#)
        try #require(reply.status == .created, "\(reply.text)")
        return try #require(reply.string("id"))
    }

    @discardableResult
    func addLine(_ order: String, sku: String = "book", quantity: Int = 2, unitPriceCents: Int = 1250) async throws -> Reply {
        let reply = try await post("/orders/\(order)/lines", #"{"sku":"\#(sku)","quantity":\#(quantity),"unitPriceCents":\#(unitPriceCents)}"#)
        try #require(reply.status == .ok, "\(reply.text)")
        return reply
    }

    /// A confirmed order of one line; returns its id.
    func confirmedOrder(unitPriceCents: Int = 1250, quantity: Int = 2) async throws -> String {
        let order = try await placeOrder(for: try await registerCustomer(email: "\(UUID().uuidString.prefix(8))@example.com"))
        try await addLine(order, quantity: quantity, unitPriceCents: unitPriceCents)
        let confirmed = try await post("/orders/\(order)/confirm")
        try #require(confirmed.status == .ok, "\(confirmed.text)")
        return order
    }

    /// Polls `uri` until `condition` holds for its reply, for effects of a process manager that follow a command.
    func eventually(_ uri: String, _ condition: (Reply) -> Bool) async throws -> Reply {
        try await StrataTestSupport.eventually("GET \(uri) to answer as expected", every: .milliseconds(20)) {
            let reply = try await get(uri)
            return condition(reply) ? reply : nil
        }
    }
}

/// Claims of test tokens.
struct TestClaims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var scope: String

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// `Authorization: Bearer …` for a token signed with `secret` that grants `scope`.
func bearer(_ scope: String, secret: String, expiresIn seconds: TimeInterval = 600) async throws -> HTTPFields {
    let keys = JWTKeyCollection()
    await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
    let token = try await keys.sign(
        TestClaims(sub: SubjectClaim(value: "tester"), exp: ExpirationClaim(value: Date().addingTimeInterval(seconds)), scope: scope)
    )
    return [.authorization: "Bearer \(token)"]
}
