//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import OpenAPIRuntime
import StrataShopClient
import StrataTestSupport
import Synchronization
import Testing

/// The commands a load run got a 2xx for, by order: the skus of the lines they added.
private final class Acknowledged: Sendable {
    private let skus = Mutex<[String: [String]]>([:])
    private let conflicts = Mutex(0)

    func record(order: String, sku: String) { skus.withLock { $0[order, default: []].append(sku) } }
    func recordConflict() { conflicts.withLock { $0 += 1 } }
    var byOrder: [String: [String]] { skus.withLock { $0 } }
    var total: Int { skus.withLock { $0.values.map(\.count).reduce(0, +) } }
}

@Suite("strata serve, the real binary over HTTP", .timeLimit(.minutes(10)), .serialized)
struct ServeEndToEndTests {
    @Test("SQLite: killed mid-load and restarted, every acknowledged command is in the log once and the views match a rebuild")
    func sqliteCrashAndRestart() async throws {
        try await TestStore.with { store in
            let arguments = ["--store", store.url, "--read-store", "sqlite:\(store.folder.path)/read.sqlite"]
            try await Self.crashAndRestart(arguments, in: store.folder)
        }
    }

    @Test(
        "PostgreSQL: killed mid-load and restarted, every acknowledged command is in the log once and the views match a rebuild",
        .enabled(if: TestPostgres.url != nil)
    )
    func postgresCrashAndRestart() async throws {
        try await TestStore.with { store in
            try await Self.crashAndRestart(["--store", "\(TestPostgres.url!)&schema=\(uniqueSchema("e2e"))"], in: store.folder)
        }
    }

    @Test(
        "PostgreSQL: two serve processes take commands for the same orders at once without lost updates and serve the same views",
        .enabled(if: TestPostgres.url != nil)
    )
    func twoProcessesShareOneDatabase() async throws {
        try await TestStore.with { store in
            let arguments = ["--store", "\(TestPostgres.url!)&schema=\(uniqueSchema("e2e"))"]
            let first = try await ServeProcess.start(arguments, in: store.folder)
            let second = try await ServeProcess.start(arguments, in: store.folder)
            let customer = try await Self.registerCustomer(on: first.client())
            var orders: [String] = []
            for _ in 0..<3 {
                orders.append(try await Self.placeOrder(for: customer, on: second.client()))
            }
            let acknowledged = Acknowledged()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<6 {
                    let shop = (task.isMultiple(of: 2) ? first : second).client()
                    let order = orders[task % orders.count]
                    group.addTask {
                        for command in 0..<12 {
                            let sku = "t\(task)-\(command)"
                            switch try await shop.addOrderLine(path: .init(id: order), body: .json(Self.line(sku))) {
                            case .ok: acknowledged.record(order: order, sku: sku)
                            case .conflict: acknowledged.recordConflict()
                            case let other: Issue.record("adding a line answered \(other)")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(acknowledged.total > 60)
            let head = try #require((try await first.request("GET", "/health").json["eventStore"] as? [String: Any])?["head"] as? Int)
            for order in orders {
                let logged = try await Self.loggedSkus(order, on: first.client())
                #expect(logged.sorted() == (acknowledged.byOrder[order] ?? []).sorted(), "no lost or duplicated update")
                let fromFirst = try await Self.view(of: order, after: head, on: first.client())
                let fromSecond = try await Self.view(of: order, after: head, on: second.client())
                #expect(fromFirst == fromSecond)
                #expect(fromFirst.lines.map(\.sku).sorted() == logged.sorted())
            }
            #expect(await first.stop() == 0)
            #expect(await second.stop() == 0)
        }
    }

    @Test("with STRATA_AUTH_SECRET, requests need a bearer token from `strata token` with the right scope")
    func authentication() async throws {
        try await TestStore.with { store in
            let secret = ["STRATA_AUTH_SECRET": "an-end-to-end-secret-of-32-bytes-or-more"]
            let service = try await ServeProcess.start(["--store", store.url], in: store.folder, environment: secret)
            let writer = try await StrataProcess.run(["token", "--scope", "read write", "--subject", "ada"], in: store.folder, environment: secret)
            #expect(writer.status == 0, "\(writer.stderr)")
            let token = writer.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let reader = try await StrataProcess.run(["token", "--scope", "read"], in: store.folder, environment: secret)
            let readToken = reader.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let body = #"{"name":"Ada","email":"ada@example.com"}"#

            #expect(try await service.request("POST", "/customers", json: body).status == 401)
            #expect(try await service.request("POST", "/customers", json: body, headers: ["Authorization": "Bearer \(readToken)"]).status == 403)
            let created = try await service.request("POST", "/customers", json: body, headers: ["Authorization": "Bearer \(token)"])
            #expect(created.status == 201, "\(created.text)")
            let customer = try #require(created.json["id"] as? String)
            let stream = try await service.request("GET", "/streams/customer-\(customer)", headers: ["Authorization": "Bearer \(readToken)"])
            #expect(stream.text.contains(#""subject":"ada""#), "the token's subject is in the events' metadata")
            #expect(try await service.request("GET", "/health").status == 200)

            let weak = try await StrataProcess.run(["token", "--scope", "read", "--auth-secret", "short"], in: store.folder)
            #expect(weak.status == 1)
            #expect(await service.stop() == 0)
        }
    }

    @Test("with an issuer and audience, `strata token` given the same ones mints tokens the service accepts; others are refused")
    func issuerAndAudience() async throws {
        try await TestStore.with { store in
            let secret = ["STRATA_AUTH_SECRET": "an-end-to-end-secret-of-32-bytes-or-more"]
            let claims = ["STRATA_AUTH_ISSUER": "https://login.example.com", "STRATA_AUTH_AUDIENCE": "shop"]
            let both = secret.merging(claims) { $1 }
            let service = try await ServeProcess.start(["--store", store.url], in: store.folder, environment: both)
            func status(_ arguments: [String], environment: [String: String]) async throws -> Int {
                let minted = try await StrataProcess.run(["token", "--scope", "read"] + arguments, in: store.folder, environment: environment)
                #expect(minted.status == 0, "\(minted.stderr)")
                let token = minted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                return try await service.request("GET", "/reports/daily-sales", headers: ["Authorization": "Bearer \(token)"]).status
            }
            #expect(try await status([], environment: both) == 200)
            #expect(try await status([], environment: secret) == 401, "no issuer or audience")
            #expect(try await status(["--auth-audience", "another"], environment: both) == 401)
            #expect(try await status(["--expires-in", "\(2 * 86_400)"], environment: both) == 401, "longer than a day")
            #expect(await service.stop() == 0)
        }
    }

    @Test("serve refuses a non-loopback address without an auth secret, unless told to allow it")
    func unauthenticatedExposure() async throws {
        try await TestStore.with { store in
            let refused = try await StrataProcess.run(["serve", "--host", "0.0.0.0", "--port", "0", "--store", store.url], in: store.folder)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("without authentication"), "\(refused.stderr)")
            #expect(refused.stderr.contains("--allow-unauthenticated"))
        }
    }

    // MARK: The crash scenario

    static func crashAndRestart(_ arguments: [String], in folder: URL) async throws {
        var service = try await ServeProcess.start(arguments, in: folder)
        let customer = try await registerCustomer(on: service.client())
        var orders: [String] = []
        for _ in 0..<4 {
            orders.append(try await placeOrder(for: customer, on: service.client()))
        }

        // Load from four clients, each adding lines with an idempotency key per command, until the process is killed.
        let acknowledged = Acknowledged()
        let running = service.client()
        let loadedOrders = orders
        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                for task in 0..<4 {
                    group.addTask {
                        for command in 0..<10_000 {
                            let sku = "t\(task)-\(command)"
                            guard
                                case .ok = try? await running.addOrderLine(
                                    path: .init(id: loadedOrders[task]),
                                    headers: .init(idempotencyKey: sku),
                                    body: .json(line(sku))
                                )
                            else { return }
                            acknowledged.record(order: loadedOrders[task], sku: sku)
                        }
                    }
                }
            }
        }
        // Bounded: if every client gives up early (the service refuses them all), the count never grows.
        try await eventually("40 acknowledged commands", within: .seconds(60), every: .milliseconds(20)) { acknowledged.total >= 40 }
        #expect(await service.stop(with: SIGKILL) == SIGKILL)
        await load.value

        service = try await ServeProcess.start(arguments, in: folder)
        let shop = service.client()
        for (task, order) in orders.enumerated() {
            let acked = acknowledged.byOrder[order] ?? []
            // The command that was in flight at the kill, retried with its key: it takes effect exactly once.
            let inFlight = "t\(task)-\(acked.count)"
            let retry = try await shop.addOrderLine(path: .init(id: order), headers: .init(idempotencyKey: inFlight), body: .json(line(inFlight)))
            _ = try retry.ok
            let logged = try await loggedSkus(order, on: shop)
            #expect(logged.sorted() == (acked + [inFlight]).sorted(), "each acknowledged command exactly once, nothing else")
        }

        let head = try #require((try await service.request("GET", "/health").json["eventStore"] as? [String: Any])?["head"] as? Int)
        var views: [String: Components.Schemas.OrderDetails] = [:]
        for order in orders {
            let view = try await view(of: order, after: head, on: shop)
            views[order] = view
            #expect(view.lines.map(\.sku).sorted() == (try await loggedSkus(order, on: shop)).sorted())
        }
        let generation = try await shop.getProjection(path: .init(name: "shop-views")).ok.body.json.generation
        _ = try await shop.rebuildProjection(path: .init(name: "shop-views")).accepted
        try await eventually("the rebuild to finish", within: .seconds(20), every: .milliseconds(50)) {
            let status = try await shop.getProjection(path: .init(name: "shop-views")).ok.body.json
            return status.generation == generation + 1 && status.rebuildCheckpoint == nil
        }
        let rebuiltStatus = try await shop.getProjection(path: .init(name: "shop-views")).ok.body.json
        #expect(rebuiltStatus.generation == generation + 1, "the rebuild finished and replaced the view")
        for order in orders {
            let rebuilt = try await shop.getOrder(path: .init(id: order)).ok.body.json
            #expect(rebuilt == views[order], "the live view equals a rebuild")
        }

        // Graceful shutdown ends open event streams and exits 0.
        let restarted = service
        let stream = try await restarted.openStream("/events", readingUntil: "event: OrderLineAdded")
        #expect(stream.status == 200)
        #expect(await restarted.stop(with: SIGTERM) == 0, "\(restarted.log)")
        #expect(try await stream.body.value.contains("event: OrderLineAdded"))
    }

    // MARK: Helpers

    static func line(_ sku: String) -> Components.Schemas.OrderLine { .init(quantity: 1, sku: sku, unitPriceCents: 100) }

    static func registerCustomer(on shop: Client) async throws -> String {
        let reply = try await shop.registerCustomer(body: .json(.init(email: "ada@example.com", name: "Ada")))
        return try #require(try reply.created.body.json.id)
    }

    static func placeOrder(for customer: String, on shop: Client) async throws -> String {
        try #require(try await shop.placeOrder(body: .json(.init(customerId: customer))).created.body.json.id)
    }

    /// The order as the view shows it once it has processed `position`.
    static func view(of order: String, after position: Int, on shop: Client) async throws -> Components.Schemas.OrderDetails {
        try await shop.getOrder(path: .init(id: order), headers: .init(strataMinPosition: "\(position)")).ok.body.json
    }

    /// The skus of the lines an order's stream records as added, duplicates included.
    static func loggedSkus(_ order: String, on shop: Client) async throws -> [String] {
        var skus: [String] = []
        var from: Int64 = 0
        while true {
            let page = try await shop.readStream(path: .init(id: "order-\(order)"), query: .init(from: from)).ok.body.json
            for event in page.events where event._type == "OrderLineAdded" {
                let line = (event.data.value as? [String: (any Sendable)?])?["line"] as? [String: (any Sendable)?]
                skus.append(line?["sku"] as? String ?? "?")
            }
            guard let next = page.next else { return skus }
            from = next
        }
    }
}
