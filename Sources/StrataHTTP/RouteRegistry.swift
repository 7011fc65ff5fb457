//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Hummingbird
import OpenAPIKit
import Synchronization

/// The routes registered through ``StrataRoutes``, with what each declared: so that authentication can tell a
/// route that checks its own access from one added to the router directly, which does not, and hold the latter
/// to `admin`; and so that the OpenAPI document lists exactly the routes the router has.
final class RouteRegistry: Sendable {
    /// One registered route.
    struct Route: Sendable {
        /// The path pattern as Hummingbird spells it, which is OpenAPI's spelling: `/orders/{id}`.
        var path: String
        var method: HTTPRequest.Method
        var access: RouteAccess
        var documentation: RouteDocumentation?
        /// Whether the route is part of the API, listed in the OpenAPI document (the console's pages are not).
        var isAPI = true
    }

    private struct State {
        var keys = Set<String>()
        var routes: [Route] = []
        var schemas = OrderedDictionary<OpenAPI.ComponentKey, JSONSchema>()
    }

    private let state = Mutex(State())

    func add(
        _ path: RouterPath,
        method: HTTPRequest.Method,
        access: RouteAccess,
        documentation: RouteDocumentation?,
        isAPI: Bool = true
    ) {
        let route = Route(path: path.description, method: method, access: access, documentation: documentation, isAPI: isAPI)
        state.withLock {
            if $0.keys.insert(Self.key(route.path, method)).inserted { $0.routes.append(route) }
        }
    }

    /// Whether the route the router matched, named by its pattern, was registered through ``StrataRoutes``.
    func contains(_ endpointPath: String, method: HTTPRequest.Method) -> Bool {
        state.withLock { $0.keys.contains(Self.key(endpointPath, method)) }
    }

    /// The routes in the order they were registered.
    var routes: [Route] { state.withLock { $0.routes } }

    /// Names a schema for the OpenAPI document's components.
    func addSchema(_ schema: JSONSchema, named name: String) {
        state.withLock { $0.schemas[OpenAPI.ComponentKey(stringLiteral: name)] = schema }
    }

    /// The schemas the routes named, in the order they were added.
    var schemas: OrderedDictionary<OpenAPI.ComponentKey, JSONSchema> { state.withLock { $0.schemas } }

    private static func key(_ path: String, _ method: HTTPRequest.Method) -> String { "\(method.rawValue) \(path)" }
}
