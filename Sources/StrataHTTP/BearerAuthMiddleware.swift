//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Hummingbird
import JWTKit

/// Requires a bearer token (a JWT signed with HS256) whose `scope` claim grants what the request needs.
///
/// The scope a request needs follows from its method and path, so that an application's own routes are
/// covered without listing them: `GET`/`HEAD` need `read`, other methods `write`, and `/projections/…` control
/// needs `admin` (which grants the others too). `/health` is open, for load balancers and orchestrators.
/// No or an invalid token is 401; a valid one without the scope is 403.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = StrataRequestContext

    let keys: JWTKeyCollection

    init(secret: String) async {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.keys = keys
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/health" || path.hasPrefix("/health/") {
            return try await next(request, context)
        }
        guard let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") else {
            throw Self.unauthorized("a bearer token is required")
        }
        let token = authorization.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        let claims: AccessClaims
        do {
            claims = try await keys.verify(token, as: AccessClaims.self)
        } catch {
            throw Self.unauthorized("the bearer token is invalid or expired")
        }
        var context = context
        context.grantedScopes = Set(claims.scopes.map(AccessScope.init))
        context.subject = claims.sub?.value
        let needed = Self.scope(for: request)
        guard context.isGranted(needed) else {
            throw HTTPProblem(.forbidden, code: "insufficient-scope", detail: "this request needs the '\(needed)' scope")
        }
        return try await next(request, context)
    }

    /// The scope `request` needs.
    static func scope(for request: Request) -> AccessScope {
        if request.uri.path.hasPrefix("/projections/") && request.method != .get { return .admin }
        return request.method == .get || request.method == .head ? .read : .write
    }

    private static func unauthorized(_ detail: String) -> HTTPProblem {
        HTTPProblem(.unauthorized, code: "unauthorized", detail: detail, headers: [.wwwAuthenticate: "Bearer"])
    }
}

/// The claims Strata reads from a bearer token.
struct AccessClaims: JWTPayload {
    var sub: SubjectClaim?
    var exp: ExpirationClaim?
    var nbf: NotBeforeClaim?
    /// Space-separated scopes (RFC 8693's `scope` claim).
    var scope: String?

    var scopes: [String] { (scope ?? "").split(separator: " ").map(String.init) }

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp?.verifyNotExpired()
        try nbf?.verifyNotBefore()
    }
}
