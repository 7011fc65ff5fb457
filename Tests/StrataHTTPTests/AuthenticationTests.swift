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

@Suite("Bearer tokens and scopes", .timeLimit(.minutes(5)))
struct AuthenticationTests {
    static let secret = "a-test-secret-that-is-32-bytes-or-more"

    @Test("no or an invalid token is 401; a token without the scope is 403; /health stays open")
    func scopes() async throws {
        try await ShopHarness(authSecret: Self.secret).run { shop in
            let body = #"{"name":"Ada","email":"ada@example.com"}"#
            let anonymous = try await shop.post("/customers", body)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            #expect(try await shop.post("/customers", body, headers: [.authorization: "Bearer not.a.jwt"]).status == .unauthorized)
            let forged = try await bearer("write", secret: "another-secret-that-is-32-bytes-or-longer")
            #expect(try await shop.post("/customers", body, headers: forged).status == .unauthorized)
            let expired = try await bearer("write", secret: Self.secret, expiresIn: -60)
            #expect(try await shop.post("/customers", body, headers: expired).status == .unauthorized)

            let reader = try await bearer("read", secret: Self.secret)
            let writer = try await bearer("write", secret: Self.secret)
            let admin = try await bearer("admin", secret: Self.secret)
            let readOnly = try await shop.post("/customers", body, headers: reader)
            #expect(readOnly.status == .forbidden)
            #expect(readOnly.problemCode == "insufficient-scope")
            let created = try await shop.post("/customers", body, headers: writer)
            #expect(created.status == .created)
            #expect(try await shop.get("/reports/daily-sales", headers: writer).status == .forbidden)
            #expect(try await shop.get("/reports/daily-sales", headers: reader).status == .ok)
            #expect(try await shop.get("/events?limit=1", headers: reader).status == .ok)
            #expect(try await shop.get("/reports/daily-sales").status == .unauthorized)
            #expect(try await shop.post("/projections/shop-views/rebuild", headers: writer).status == .forbidden)
            #expect(try await shop.post("/projections/shop-views/rebuild", headers: admin).status == .accepted)
            #expect(try await shop.get("/health").status == .ok)
            #expect(try await shop.get("/health/live").status == .ok)
        }
    }
}
