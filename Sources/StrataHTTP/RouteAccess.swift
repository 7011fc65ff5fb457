//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// What a route needs from the caller, declared when the route is registered (see ``StrataRoutes``).
///
/// The check runs against the route the router matched, after routing, so that a path's spelling (`//`,
/// trailing slashes, letter case) cannot pick a weaker rule than the route it reaches.
public struct RouteAccess: Hashable, Sendable, CustomStringConvertible {
    /// The scope a bearer token must grant; `nil` for a route open to anyone.
    public var scope: AccessScope?

    /// A route that needs a bearer token granting `scope` (when the service requires tokens).
    public static func scope(_ scope: AccessScope) -> RouteAccess { RouteAccess(scope: scope) }

    /// Open to anyone, token or not: only for what probes and load balancers must reach.
    public static let open = RouteAccess(scope: nil)
    /// Queries, streams and live events.
    public static let read = RouteAccess.scope(.read)
    /// Commands.
    public static let write = RouteAccess.scope(.write)
    /// Operator actions, such as projection control.
    public static let admin = RouteAccess.scope(.admin)

    /// What a route registered without a declaration needs: `admin`, the strictest scope, so that a route whose
    /// author forgot to say who may call it is closed to ordinary clients instead of open to them.
    public static let undeclared = RouteAccess.admin

    public var description: String { scope.map { "scope '\($0)'" } ?? "open" }
}
