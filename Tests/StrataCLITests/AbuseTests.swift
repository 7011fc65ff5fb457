//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// Hostile input against the real binary: after every request the process still answers, and a rejected request
/// appended nothing.
@Suite("strata serve under hostile input", .serialized, .timeLimit(.minutes(5)))
struct AbuseTests {
    static let bodies: [(String, [UInt8])] = [
        ("empty", []),
        ("null", Array("null".utf8)),
        ("array", Array("[]".utf8)),
        ("empty object", Array("{}".utf8)),
        ("overflowing numbers", Array(#"{"quantity":9223372036854775808,"unitPriceCents":18446744073709551616,"amountCents":1e400}"#.utf8)),
        (
            "largest numbers",
            Array(#"{"sku":"a","quantity":9223372036854775807,"unitPriceCents":9223372036854775807,"amountCents":9223372036854775807}"#.utf8)
        ),
        ("negative numbers", Array(#"{"sku":"a","quantity":-9223372036854775808,"unitPriceCents":-1,"amountCents":-1}"#.utf8)),
        ("wrong types", Array(#"{"name":1,"email":[],"customerId":{},"sku":null,"quantity":"2","street":true}"#.utf8)),
        ("not UTF-8", [0x7B, 0x22, 0x6E, 0x61, 0x6D, 0x65, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0xC0, 0x22, 0x7D]),
        ("control characters", Array("{\"name\":\"\u{0}\u{1B}\",\"email\":\"a\u{0}@b.c\",\"sku\":\"\u{7F}\"}".utf8)),
        ("deeply nested", Array(String(repeating: "[", count: 100_000).utf8) + Array(String(repeating: "]", count: 100_000).utf8)),
        ("deeply nested object", Array(String(repeating: #"{"a":"#, count: 50_000).utf8)),
        ("long strings", Array(#"{"name":"\#(String(repeating: "x", count: 200_000))","sku":"\#(String(repeating: "é", count: 100_000))"}"#.utf8)),
        ("beyond the body limit", Array(repeating: UInt8(ascii: " "), count: 2 << 20)),
    ]

    static let headerSets: [(String, [String: String])] = [
        ("none", [:]),
        (
            "overflowing positions",
            ["If-Match": "\"18446744073709551616\"", "Strata-Min-Position": "18446744073709551615", "Last-Event-ID": "99999999999999999999"]
        ),
        ("negative positions", ["If-Match": "\"-1\"", "Strata-Min-Position": "-1", "Last-Event-ID": "-1"]),
        ("long keys", ["Idempotency-Key": String(repeating: "k", count: 8_000), "Strata-Correlation-ID": String(repeating: "c", count: 8_000)]),
        ("odd keys", ["Idempotency-Key": "ключ ü", "Authorization": "Bearer \(String(repeating: "a.", count: 2_000))"]),
    ]

    static let ids = ["x", String(repeating: "9", count: 5_000), "%FF%FE", "..%2F..%2Fetc", "%00", "a%20b", "-", "😀"]

    static func routes(_ id: String) -> [(String, String)] {
        [
            ("POST", "/customers"), ("POST", "/customers/\(id)/email"), ("POST", "/customers/\(id)/forget"), ("POST", "/orders"),
            ("POST", "/orders/\(id)/lines"), ("DELETE", "/orders/\(id)/lines/\(id)"), ("POST", "/orders/\(id)/shipping-address"),
            ("POST", "/orders/\(id)/confirm"), ("POST", "/orders/\(id)/cancel"), ("POST", "/orders/\(id)/payments"),
            ("GET", "/orders/\(id)"), ("GET", "/customers/\(id)/orders"), ("GET", "/reports/daily-sales?minPosition=\(id)"),
            ("GET", "/streams/\(id)?from=\(id)&limit=\(id)"), ("GET", "/events?from=\(id)&limit=1"), ("GET", "/projections/\(id)"),
            ("POST", "/projections/\(id)/rebuild?from=\(id)"), ("GET", "/health"), ("GET", "/metrics"),
        ]
    }

    @Test("every route with hostile bodies, headers and ids: the process lives and rejected requests append nothing")
    func hostileInput() async throws {
        try await TestStore.with { store in
            let service = try await ServeProcess.start(["--store", store.url, "--read-timeout", "1"], in: store.folder)
            // One real order, so that routes on an existing id are attacked too.
            let customer = try #require(
                try await service.request("POST", "/customers", json: #"{"name":"Ada","email":"ada@example.com"}"#).json["id"] as? String)
            let order = try #require(try await service.request("POST", "/orders", json: #"{"customerId":"\#(customer)"}"#).json["id"] as? String)
            var requests = 0
            for id in Self.ids + [order, customer] {
                for (method, path) in Self.routes(id) {
                    for (bodyName, body) in Self.bodies where method == "POST" || bodyName == "empty" {
                        for (headerName, headers) in Self.headerSets where bodyName == "empty" || headerName == "none" {
                            let head = try await Self.head(of: service)
                            let status = try await Self.send(method, path, body: body, headers: headers, to: service)
                            requests += 1
                            let what = "\(method) \(path.prefix(60)) with \(bodyName) body and \(headerName) headers"
                            #expect(status != nil, "\(what): no answer")
                            #expect((status ?? 0) < 500 || status == 503, "\(what): \(status ?? 0)")
                            #expect(try await service.request("GET", "/health/live").status == 200, "\(what) killed the service: \(service.log)")
                            if let status, status >= 400 {
                                #expect(try await Self.head(of: service) == head, "\(what) was rejected (\(status)) but appended")
                            }
                        }
                    }
                }
            }
            #expect(requests > 500)
            #expect(await service.stop() == 0)
        }
    }

    /// The log's head, read from the log itself.
    static func head(of service: ServeProcess) async throws -> Int {
        let health = try await service.request("GET", "/health")
        return (health.json["eventStore"] as? [String: Any])?["head"] as? Int ?? -1
    }

    /// One request with raw bytes; the status, or `nil` when the connection failed.
    static func send(_ method: String, _ path: String, body: [UInt8], headers: [String: String], to service: ServeProcess) async throws -> Int? {
        var request = HTTPClientRequest(url: service.baseURL.absoluteString + path)
        request.method = .init(rawValue: method)
        if !body.isEmpty {
            request.body = .bytes(ByteBuffer(bytes: body))
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            _ = try? await response.body.collect(upTo: 16 << 20)
            return Int(response.status.code)
        } catch {
            // The service may close a connection on a body beyond its limit before reading it: that is an answer.
            if body.count > 1 << 20 { return 413 }
            Issue.record("\(method) \(path.prefix(80)): \(error)")
            return nil
        }
    }
}
