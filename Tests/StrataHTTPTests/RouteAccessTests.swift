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

/// Every route of the shop service with every kind of caller, and paths spelled to slip past the check.
@Suite("Access is checked on the matched route", .timeLimit(.minutes(5)))
struct RouteAccessTests {
    /// A caller, by the token it presents.
    enum Caller: String, CaseIterable, CustomStringConvertible {
        case anonymous, expired, noScope, read, write, admin

        var description: String { rawValue }

        func headers() async throws -> HTTPFields {
            switch self {
            case .anonymous: [:]
            case .expired: try await bearer(.expiring(in: -60, scope: "admin"))
            case .noScope: try await bearer(.expiring(in: 600, scope: ""))
            case .read, .write, .admin: try await bearer(.expiring(in: 600, scope: rawValue))
            }
        }
    }

    struct Route: CustomStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        var access: RouteAccess

        init(_ method: HTTPRequest.Method, _ path: String, _ access: RouteAccess) {
            self.method = method
            self.path = path
            self.access = access
        }

        var description: String { "\(method) \(path)" }
    }

    /// Every route the shop service registers, with a sample path; a new route belongs here too.
    static let routes: [Route] = [
        Route(.get, "/health", .open),
        Route(.get, "/health/live", .open),
        Route(.get, "/metrics", .read),
        Route(.get, "/streams/customer-c1", .read),
        Route(.get, "/correlations/request-1", .read),
        Route(.get, "/events?limit=1", .read),
        Route(.get, "/projections", .read),
        Route(.get, "/projections/shop-views", .read),
        Route(.get, "/projections/shop-views/parked", .read),
        Route(.post, "/projections/shop-views/rebuild", .admin),
        Route(.post, "/projections/shop-views/replay-parked", .admin),
        Route(.post, "/customers", .write),
        Route(.post, "/customers/c1/email", .write),
        Route(.post, "/customers/c1/forget", .admin),
        Route(.post, "/orders", .write),
        Route(.post, "/orders/o1/lines", .write),
        Route(.delete, "/orders/o1/lines/book", .write),
        Route(.post, "/orders/o1/shipping-address", .write),
        Route(.post, "/orders/o1/confirm", .write),
        Route(.post, "/orders/o1/cancel", .write),
        Route(.post, "/orders/o1/payments", .write),
        Route(.get, "/orders/o1", .read),
        Route(.get, "/customers/c1/orders", .read),
        Route(.get, "/reports/daily-sales", .read),
    ]

    /// The status class `caller` must get from a route that needs `access`.
    static func expected(_ access: RouteAccess, _ caller: Caller) -> Outcome {
        if caller == .expired { return .unauthorized }
        guard let scope = access.scope else { return .allowed }
        switch caller {
        case .anonymous, .expired: return .unauthorized
        case .noScope: return .forbidden
        case .admin: return .allowed
        case .read, .write: return scope.name == caller.rawValue ? .allowed : .forbidden
        }
    }

    enum Outcome: Equatable {
        case unauthorized, forbidden, allowed

        init(_ status: HTTPResponse.Status) {
            switch status {
            case .unauthorized: self = .unauthorized
            case .forbidden: self = .forbidden
            // The handler ran (and may have found no such order): what matters is that it was let through.
            default: self = .allowed
            }
        }
    }

    @Test("every route with every caller: no token 401, an expired one 401, a missing scope 403, else the handler")
    func everyRouteWithEveryCaller() async throws {
        try await ShopHarness(authSecret: AuthenticationTests.secret).run { shop in
            // One event, so that /events?limit=1 ends.
            let setup = try await shop.post("/customers", #"{"name":"Ada","email":"ada@example.com"}"#, headers: try await Caller.write.headers())
            try #require(setup.status == .created)
            for caller in Caller.allCases {
                let headers = try await caller.headers()
                for route in Self.routes {
                    let reply = try await shop.send(route.method, route.path, headers: headers)
                    let expected = Self.expected(route.access, caller)
                    #expect(Outcome(reply.status) == expected, "\(route) as \(caller): \(reply.status) \(reply.text)")
                    if expected == .unauthorized { #expect(reply.headers[.wwwAuthenticate] == "Bearer", "\(route) as \(caller)") }
                }
            }
        }
    }

    /// A path spelled oddly, and what each caller must get: the matched route's rule, or, when nothing
    /// matches, 401 without a valid token and 404 with one.
    struct Spelling: CustomStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        /// The route the router matches, if any.
        var matches: RouteAccess?

        var description: String { "\(method) \(path)" }
    }

    static let spellings: [Spelling] = [
        Spelling(method: .post, path: "//projections/shop-views/rebuild", matches: .admin),
        Spelling(method: .post, path: "/projections//shop-views/rebuild", matches: .admin),
        Spelling(method: .post, path: "/projections/shop-views/rebuild/", matches: .admin),
        Spelling(method: .post, path: "/projections/shop-views/rebuild?from=0", matches: .admin),
        Spelling(method: .post, path: "/./projections/shop-views/rebuild", matches: nil),
        Spelling(method: .post, path: "/health/../projections/shop-views/rebuild", matches: nil),
        Spelling(method: .post, path: "/projections%2Fshop-views%2Frebuild", matches: nil),
        Spelling(method: .post, path: "/projections/shop-views%2Frebuild", matches: nil),
        Spelling(method: .post, path: "/Projections/shop-views/rebuild", matches: nil),
        Spelling(method: .post, path: "/PROJECTIONS/SHOP-VIEWS/REBUILD", matches: nil),
        Spelling(method: .post, path: "//customers/c1/forget/", matches: .admin),
        Spelling(method: .post, path: "//customers", matches: .write),
        Spelling(method: .get, path: "//reports//daily-sales/", matches: .read),
        Spelling(method: .head, path: "/reports/daily-sales", matches: nil),
        Spelling(method: .options, path: "/customers", matches: nil),
        Spelling(method: .options, path: "/projections/shop-views/rebuild", matches: nil),
        Spelling(method: .get, path: "/projections/shop-views/rebuild", matches: nil),
        Spelling(method: .put, path: "/customers", matches: nil),
        Spelling(method: .get, path: "/no-such-route", matches: nil),
        Spelling(method: .get, path: "//health/", matches: .open),
        Spelling(method: .get, path: "/HEALTH", matches: nil),
        Spelling(method: .get, path: "/health/live/", matches: .open),
    ]

    @Test("odd spellings (//, /./, %2F, trailing slash, letter case, HEAD, OPTIONS) get the matched route's rule or 401/404")
    func oddSpellings() async throws {
        try await ShopHarness(authSecret: AuthenticationTests.secret).run { shop in
            for caller in Caller.allCases {
                let headers = try await caller.headers()
                for spelling in Self.spellings {
                    let reply = try await shop.send(spelling.method, spelling.path, headers: headers)
                    let context: Comment = "\(spelling) as \(caller): \(reply.status) \(reply.text)"
                    if let access = spelling.matches {
                        #expect(Outcome(reply.status) == Self.expected(access, caller), context)
                    } else if caller == .anonymous || caller == .expired {
                        #expect(reply.status == .unauthorized, context)
                    } else {
                        #expect(reply.status == .notFound, context)
                    }
                }
            }
        }
    }
}
