//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
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
            let customer = try Self.created(try await first.request("POST", "/customers", json: #"{"name":"Ada","email":"ada@example.com"}"#))
            var orders: [String] = []
            for _ in 0..<3 {
                orders.append(try Self.created(try await second.request("POST", "/orders", json: #"{"customerId":"\#(customer)"}"#)))
            }
            let acknowledged = Acknowledged()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<6 {
                    let service = task.isMultiple(of: 2) ? first : second
                    let order = orders[task % orders.count]
                    group.addTask {
                        for command in 0..<12 {
                            let sku = "t\(task)-\(command)"
                            let reply = try await service.request("POST", "/orders/\(order)/lines", json: Self.line(sku))
                            if reply.status == 200 {
                                acknowledged.record(order: order, sku: sku)
                            } else {
                                #expect(reply.status == 409, "\(reply.text)")
                                acknowledged.recordConflict()
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(acknowledged.total > 60)
            let head = try #require((try await first.request("GET", "/health").json["eventStore"] as? [String: Any])?["head"] as? Int)
            for order in orders {
                let logged = try await Self.loggedSkus(order, on: first)
                #expect(logged.sorted() == (acknowledged.byOrder[order] ?? []).sorted(), "no lost or duplicated update")
                let fromFirst = try await first.request("GET", "/orders/\(order)", headers: ["Strata-Min-Position": "\(head)"])
                let fromSecond = try await second.request("GET", "/orders/\(order)", headers: ["Strata-Min-Position": "\(head)"])
                #expect(fromFirst.status == 200, "\(fromFirst.text)")
                #expect(fromSecond.status == 200, "\(fromSecond.text)")
                #expect(NSDictionary(dictionary: fromFirst.json) == NSDictionary(dictionary: fromSecond.json))
                #expect(Self.skus(inView: fromFirst.json).sorted() == logged.sorted())
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
        let customer = try created(try await service.request("POST", "/customers", json: #"{"name":"Ada","email":"ada@example.com"}"#))
        var orders: [String] = []
        for _ in 0..<4 {
            orders.append(try created(try await service.request("POST", "/orders", json: #"{"customerId":"\#(customer)"}"#)))
        }

        // Load from four clients, each adding lines with an idempotency key per command, until the process is killed.
        let acknowledged = Acknowledged()
        let running = service
        let loadedOrders = orders
        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                for task in 0..<4 {
                    group.addTask {
                        for command in 0..<10_000 {
                            let sku = "t\(task)-\(command)"
                            guard
                                let reply = try? await running.request(
                                    "POST",
                                    "/orders/\(loadedOrders[task])/lines",
                                    json: line(sku),
                                    headers: ["Idempotency-Key": sku]
                                ), reply.status == 200
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
        for (task, order) in orders.enumerated() {
            let acked = acknowledged.byOrder[order] ?? []
            // The command that was in flight at the kill, retried with its key: it takes effect exactly once.
            let inFlight = "t\(task)-\(acked.count)"
            let retry = try await service.request("POST", "/orders/\(order)/lines", json: line(inFlight), headers: ["Idempotency-Key": inFlight])
            #expect(retry.status == 200, "\(retry.text)")
            let logged = try await loggedSkus(order, on: service)
            #expect(logged.sorted() == (acked + [inFlight]).sorted(), "each acknowledged command exactly once, nothing else")
        }

        let head = try #require((try await service.request("GET", "/health").json["eventStore"] as? [String: Any])?["head"] as? Int)
        var views: [String: NSDictionary] = [:]
        for order in orders {
            let view = try await service.request("GET", "/orders/\(order)", headers: ["Strata-Min-Position": "\(head)"])
            #expect(view.status == 200, "\(view.text)")
            views[order] = NSDictionary(dictionary: view.json)
            #expect(skus(inView: view.json).sorted() == (try await loggedSkus(order, on: service)).sorted())
        }
        let generation = try #require(try await service.request("GET", "/projections/shop-views").json["generation"] as? Int)
        #expect(try await service.request("POST", "/projections/shop-views/rebuild").status == 202)
        try await eventually("the rebuild to finish", within: .seconds(20), every: .milliseconds(50)) {
            let status = try await service.request("GET", "/projections/shop-views").json
            return status["generation"] as? Int == generation + 1 && status["rebuildCheckpoint"] is NSNull
        }
        let rebuiltStatus = try await service.request("GET", "/projections/shop-views").json
        #expect(rebuiltStatus["generation"] as? Int == generation + 1, "the rebuild finished and replaced the view")
        for order in orders {
            let rebuilt = try await service.request("GET", "/orders/\(order)")
            #expect(NSDictionary(dictionary: rebuilt.json) == views[order], "the live view equals a rebuild")
        }

        // Graceful shutdown ends open event streams and exits 0.
        let restarted = service
        let stream = try await restarted.openStream("/events", readingUntil: "event: OrderLineAdded")
        #expect(stream.status == 200)
        #expect(await restarted.stop(with: SIGTERM) == 0, "\(restarted.log)")
        #expect(try await stream.body.value.contains("event: OrderLineAdded"))
    }

    // MARK: Helpers

    static func line(_ sku: String) -> String { #"{"sku":"\#(sku)","quantity":1,"unitPriceCents":100}"# }

    /// The id a 201 reply carries.
    static func created(_ reply: HTTPReply, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(reply.status == 201, "\(reply.text)", sourceLocation: sourceLocation)
        return try #require(reply.json["id"] as? String, sourceLocation: sourceLocation)
    }

    /// The skus of the lines an order's stream records as added, duplicates included.
    static func loggedSkus(_ order: String, on service: ServeProcess) async throws -> [String] {
        var skus: [String] = []
        var from = 0
        while true {
            let page = try await service.request("GET", "/streams/order-\(order)?from=\(from)").json
            for event in page["events"] as? [[String: Any]] ?? [] where event["type"] as? String == "OrderLineAdded" {
                skus.append(((event["data"] as? [String: Any])?["line"] as? [String: Any])?["sku"] as? String ?? "?")
            }
            guard let next = page["next"] as? Int else { return skus }
            from = next
        }
    }

    static func skus(inView view: [String: Any]) -> [String] {
        (view["lines"] as? [[String: Any]] ?? []).compactMap { $0["sku"] as? String }
    }
}
