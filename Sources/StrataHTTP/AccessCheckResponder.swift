//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Hummingbird

/// A route's handler behind the check of the access the route declared.
///
/// It is the route's own responder, so it runs only after the router matched this route: the check cannot be
/// steered by how the path is spelled. Without a token a protected route is 401; with one that lacks the
/// scope, 403. When the service runs without authentication every scope is granted.
struct AccessCheckResponder<Wrapped: HTTPResponder>: HTTPResponder where Wrapped.Context == StrataRequestContext {
    typealias Context = StrataRequestContext

    let access: RouteAccess
    let responder: Wrapped

    func respond(to request: Request, context: Context) async throws -> Response {
        if let scope = access.scope {
            if context.isAnonymous { throw BearerAuthMiddleware.unauthorized("a bearer token is required") }
            guard context.isGranted(scope) else {
                throw HTTPProblem(.forbidden, code: "insufficient-scope", detail: "this request needs the '\(scope)' scope")
            }
        }
        return try await responder.respond(to: request, context: context)
    }
}
