//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Strata
import StrataHTTP
import Testing

@Suite("Routes that declare no access", .timeLimit(.minutes(5)))
struct UndeclaredRouteTests {
    @Test("a route added without an access declaration, or past StrataRoutes, needs admin; declared ones need what they declare")
    func undeclaredNeedsAdmin() async throws {
        let runtime = StrataRuntime.inMemory().runtime
        var configuration = StrataHTTPConfiguration()
        configuration.authSecret = AuthenticationTests.secret
        let router = await StrataRouter.make(runtime: runtime, configuration: configuration) { routes in
            routes.post("/undeclared") { _, _ in HTTPResponse.Status.ok }
            routes.group("/grouped").get("/undeclared") { _, _ in HTTPResponse.Status.ok }
            routes.post("/declared", access: .write) { _, _ in HTTPResponse.Status.ok }
            routes.get("/open", access: .open) { _, _ in HTTPResponse.Status.ok }
        }
        // Added to the router itself, past StrataRoutes: no check of its own, so authentication holds it to admin.
        router.get("/direct") { _, _ in HTTPResponse.Status.ok }
        try await Application(router: router).test(.router) { client in
            /// The status of a request with a token granting `scope` (none when `nil`); `nil` when it could not be made.
            func status(_ method: HTTPRequest.Method, _ uri: String, _ scope: String?) async -> HTTPResponse.Status? {
                var headers: HTTPFields = [:]
                if let scope { headers = (try? await bearer(.expiring(in: 600, scope: scope))) ?? [:] }
                return try? await client.execute(uri: uri, method: method, headers: headers) { $0.status }
            }
            #expect(await status(.post, "/undeclared", nil) == .unauthorized)
            #expect(await status(.post, "/undeclared", "read write") == .forbidden)
            #expect(await status(.post, "/undeclared", "admin") == .ok)
            #expect(await status(.get, "/grouped/undeclared", "read") == .forbidden)
            #expect(await status(.get, "/grouped/undeclared", "admin") == .ok)
            #expect(await status(.post, "/declared", "read") == .forbidden)
            #expect(await status(.post, "/declared", "write") == .ok)
            #expect(await status(.get, "/open", nil) == .ok)
            #expect(await status(.get, "/direct", nil) == .unauthorized)
            #expect(await status(.get, "/direct", "read write") == .forbidden)
            #expect(await status(.get, "/direct", "admin") == .ok)
        }
    }
}
