//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import JWTKit

/// Authenticates the bearer token (a JWT signed with HS256), when the request carries one, and records what it
/// grants in the request context.
///
/// It does not decide what a request may do: each route's AccessCheckResponder does, against the access the
/// route declared, once the router has matched it. A token that is present must be valid, or the request is
/// 401. A request without a token that matched no route is 401 too, so that anonymous callers cannot tell
/// which paths exist; one that matched a route goes on as anonymous and reaches only open routes. A route
/// added to the router without ``StrataRoutes`` has no check of its own: this middleware holds it to `admin`.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = StrataRequestContext

    let keys: JWTKeyCollection
    let policy: TokenPolicy
    let registry: RouteRegistry

    init(secret: String, policy: TokenPolicy, registry: RouteRegistry) async {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.keys = keys
        self.policy = policy
        self.registry = registry
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.grantedScopes = []
        // Hummingbird names the matched route before running the route's middleware; no name, no route.
        let endpoint = context.endpointPath
        let unchecked = endpoint.map { !registry.contains($0, method: request.method) } ?? false
        let token: String
        if let authorization = request.headers[.authorization] {
            guard authorization.lowercased().hasPrefix("bearer ") else { throw Self.unauthorized("a bearer token is required") }
            token = authorization.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        } else if let consoleToken = ConsoleSession.token(of: request) {
            // A browser sends the console's cookie with any request to the console, a form another site posts too:
            // what changes anything must come from the console's own pages.
            try ConsoleSession.requireSameOrigin(request)
            token = consoleToken
        } else {
            guard endpoint != nil, !unchecked else { throw Self.unauthorized("a bearer token is required") }
            context.isAnonymous = true
            return try await next(request, context)
        }
        let claims: AccessClaims
        do {
            claims = try await keys.verify(token, as: AccessClaims.self)
        } catch {
            throw Self.unauthorized("the bearer token is invalid or expired")
        }
        if let refusal = policy.refusal(of: claims) { throw Self.unauthorized(refusal) }
        context.grantedScopes = Set(claims.scopes.map(AccessScope.init))
        context.subject = claims.sub?.value
        context.tokenExpiry = claims.exp?.value
        if unchecked && !context.isGranted(.admin) {
            throw HTTPProblem(.forbidden, code: "insufficient-scope", detail: "this request needs the 'admin' scope")
        }
        return try await next(request, context)
    }

    static func unauthorized(_ detail: String) -> HTTPProblem {
        HTTPProblem(.unauthorized, code: "unauthorized", detail: detail, headers: [.wwwAuthenticate: "Bearer"])
    }
}

/// The claims Strata reads from a bearer token.
struct AccessClaims: JWTPayload {
    var sub: SubjectClaim?
    var exp: ExpirationClaim?
    var nbf: NotBeforeClaim?
    var iat: IssuedAtClaim?
    var iss: IssuerClaim?
    var aud: AudienceClaim?
    /// Space-separated scopes (RFC 8693's `scope` claim).
    var scope: String?

    var scopes: [String] { (scope ?? "").split(separator: " ").map(String.init) }

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp?.verifyNotExpired()
        try nbf?.verifyNotBefore()
    }
}
