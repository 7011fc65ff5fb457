//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import JWTKit
import StrataHTTP
import Testing

@Suite("What a bearer token must say", .timeLimit(.minutes(5)))
struct TokenPolicyTests {
    static let secret = AuthenticationTests.secret

    /// The status of a query made with `claims`, `nil` when the request could not be made. A failed request, or a
    /// status other than 200 or 401, is recorded with what the service answered, so that a failure says why.
    static func status(_ shop: ShopClient, _ claims: AnyClaims, sourceLocation: SourceLocation = #_sourceLocation) async
        -> HTTPResponse.Status?
    {
        do {
            let reply = try await shop.get("/reports/daily-sales", headers: try await bearer(claims))
            if reply.status != .ok, reply.status != .unauthorized {
                Issue.record("the query answered \(reply.status): \(reply.text)", sourceLocation: sourceLocation)
            }
            return reply.status
        } catch {
            Issue.record(error, "the query could not be made", sourceLocation: sourceLocation)
            return nil
        }
    }

    @Test("issuer and audience are checked when the service has them")
    func issuerAndAudience() async throws {
        var policy = TokenPolicy()
        policy.issuer = "https://login.example.com"
        policy.audience = "strata-shop"
        try await ShopHarness(authSecret: Self.secret, tokens: policy).run { shop in
            var claims = AnyClaims.expiring(in: 600, scope: "read")
            #expect(await Self.status(shop, claims) == .unauthorized)
            claims.iss = IssuerClaim(value: "https://login.example.com")
            #expect(await Self.status(shop, claims) == .unauthorized)
            claims.aud = AudienceClaim(value: ["another-service"])
            #expect(await Self.status(shop, claims) == .unauthorized)
            claims.aud = AudienceClaim(value: ["another-service", "strata-shop"])
            #expect(await Self.status(shop, claims) == .ok)
            claims.iss = IssuerClaim(value: "https://evil.example.com")
            #expect(await Self.status(shop, claims) == .unauthorized)
        }
    }

    @Test("without an issuer or audience configured, tokens need neither")
    func noIssuerOrAudience() async throws {
        try await ShopHarness(authSecret: Self.secret).run { shop in
            let claims = AnyClaims.expiring(in: 600, scope: "read")
            #expect(await Self.status(shop, claims) == .ok)
        }
    }

    @Test("a token without exp is refused unless the service allows it")
    func withoutExpiry() async throws {
        let claims = AnyClaims(scope: "read")
        try await ShopHarness(authSecret: Self.secret).run { shop in
            let headers = try await bearer(claims)
            let reply = try await shop.get("/reports/daily-sales", headers: headers)
            #expect(reply.status == .unauthorized)
            #expect(reply.text.contains("no expiry"))
        }
        var policy = TokenPolicy()
        policy.allowsTokensWithoutExpiry = true
        try await ShopHarness(authSecret: Self.secret, tokens: policy).run { shop in
            #expect(await Self.status(shop, claims) == .ok)
        }
    }

    @Test("a token valid for longer than the maximum lifetime is refused, from iat or else from now")
    func maximumLifetime() async throws {
        var policy = TokenPolicy()
        policy.maximumLifetime = .seconds(3600)
        try await ShopHarness(authSecret: Self.secret, tokens: policy).run { shop in
            let now = Date()
            var claims = AnyClaims.expiring(in: 3500, scope: "read")
            #expect(await Self.status(shop, claims) == .ok)
            claims = AnyClaims.expiring(in: 7200, scope: "read")
            #expect(await Self.status(shop, claims) == .unauthorized)
            // Issued two hours ago and still valid for 30 minutes: a 2.5-hour token, too long.
            claims = AnyClaims.expiring(in: 1800, scope: "read")
            claims.iat = IssuedAtClaim(value: now.addingTimeInterval(-7200))
            #expect(await Self.status(shop, claims) == .unauthorized)
            claims.iat = IssuedAtClaim(value: now.addingTimeInterval(-1200))
            #expect(await Self.status(shop, claims) == .ok)
            // "Issued" in a year and valid for 30 minutes from then: valid for a year from now, too long.
            claims = AnyClaims.expiring(in: 365 * 86_400 + 1800, scope: "read")
            claims.iat = IssuedAtClaim(value: now.addingTimeInterval(365 * 86_400))
            #expect(await Self.status(shop, claims) == .unauthorized)
        }
        // The default is a day.
        try await ShopHarness(authSecret: Self.secret).run { shop in
            let week = AnyClaims.expiring(in: 7 * 86_400, scope: "read")
            #expect(await Self.status(shop, week) == .unauthorized)
            let hours = AnyClaims.expiring(in: 23 * 3600, scope: "read")
            #expect(await Self.status(shop, hours) == .ok)
        }
    }

    @Test("an open event stream ends when its token expires", .timeLimit(.minutes(1)))
    func eventStreamEndsAtExpiry() async throws {
        try await ShopHarness(authSecret: Self.secret).run { shop in
            let writer = try await bearer(.expiring(in: 600, scope: "write"))
            #expect(try await shop.post("/customers", #"{"name":"Ada","email":"ada@example.com"}"#, headers: writer).status == .created)
            let started = ContinuousClock.now
            // No limit: only the token's expiry ends this stream.
            let reader = try await bearer(.expiring(in: 3, scope: "read"))
            let reply = try await shop.get("/events", headers: reader)
            #expect(reply.status == .ok)
            #expect(reply.text.contains("event: CustomerRegistered"))
            #expect(reply.text.hasSuffix("event: token-expired\ndata: {\"code\":\"token-expired\"}\n\n"))
            #expect(started.duration(to: .now) >= .seconds(1))
        }
    }
}
