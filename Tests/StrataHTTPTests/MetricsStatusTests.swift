//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import StrataHTTP
import Testing

@Suite("HTTP metrics count the status answered", .timeLimit(.minutes(5)))
struct MetricsStatusTests {
    @Test("a 404, a 400, a 401, a 403 and a 503 are each counted under their own status")
    func statuses() async throws {
        try await ShopHarness(authSecret: AuthenticationTests.secret).run { shop in
            let reader = try await bearer(.expiring(in: 600, scope: "read"))
            let writer = try await bearer(.expiring(in: 600, scope: "write"))
            #expect(try await shop.get("/orders/o1", headers: reader).status == .notFound)
            #expect(try await shop.post("/customers", "{", headers: writer).status == .badRequest)
            #expect(try await shop.post("/customers", "{}").status == .unauthorized)
            #expect(try await shop.post("/customers", "{}", headers: reader).status == .forbidden)
            let customer = try await shop.post("/customers", #"{"name":"Ada","email":"ada@example.com"}"#, headers: writer)
            let id = try #require(customer.string("id"))
            shop.events.inject(.unavailable)
            #expect(try await shop.post("/orders", #"{"customerId":"\#(id)"}"#, headers: writer).status == .serviceUnavailable)
            shop.events.inject(.none)

            let metrics = try await shop.get("/metrics", headers: reader).text
            for line in [
                #"strata_http_requests_total{method="GET",route="/orders/{id}",status="404"} 1"#,
                #"strata_http_requests_total{method="POST",route="/customers",status="400"} 1"#,
                #"strata_http_requests_total{method="POST",route="/customers",status="401"} 1"#,
                #"strata_http_requests_total{method="POST",route="/customers",status="403"} 1"#,
                #"strata_http_requests_total{method="POST",route="/customers",status="201"} 1"#,
                #"strata_http_requests_total{method="POST",route="/orders",status="503"} 1"#,
            ] {
                #expect(metrics.contains(line), "\(line)")
            }
            #expect(!metrics.contains(#"status="500""#))
        }
    }

    @Test("requests count once each, and a method the server does not know counts as 'other', not as a new series")
    func methods() async throws {
        try await ShopHarness().run { shop in
            for _ in 0..<3 { _ = try await shop.get("/orders/o1") }
            for method in ["FROB", "SNARF-1", "SNARF-2"] {
                _ = try await shop.send(try #require(HTTPRequest.Method(method)), "/orders/o1")
            }
            let metrics = try await shop.get("/metrics").text
            #expect(metrics.contains(#"strata_http_requests_total{method="GET",route="/orders/{id}",status="404"} 3"#))
            let others = metrics.split(separator: "\n").filter { $0.hasPrefix(#"strata_http_requests_total{method="other","#) }
            #expect(others.count == 1 && others.first?.hasSuffix(#"status="404"} 3"#) == true, "\(others)")
            #expect(!metrics.contains("FROB") && !metrics.contains("SNARF"))
        }
    }
}
