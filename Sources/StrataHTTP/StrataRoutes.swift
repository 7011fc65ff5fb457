//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Hummingbird
import OpenAPIKit

/// Where a Strata service's routes are registered, each with the access it needs.
///
/// ```swift
/// routes.post("/accounts/{id}/deposits", access: .write) { request, context in … }
/// routes.get("/accounts/{id}", access: .read) { request, context in … }
/// ```
///
/// The access is checked by the route's own responder, which runs only once the router has matched the
/// request to this route: however a path is spelled, the rule applied is the one of the route that answers.
/// Routes added through the plain `RouterMethods` API (`get(_:use:)`, groups, …) need
/// ````RouteAccess/undeclared```` (`admin`), and so do routes added to the router directly, bypassing this type.
///
/// Each route can declare its contract (``RouteDocumentation``); the service's OpenAPI document
/// (`GET /openapi.json`) is made from what was registered here, so it lists every route the router has.
public struct StrataRoutes: RouterMethods {
    public typealias Context = StrataRequestContext

    /// The router the routes go to. Not public: a route added to it directly would skip the access check.
    let router: Router<StrataRequestContext>
    /// Where each registration is recorded, for BearerAuthMiddleware.
    let registry: RouteRegistry

    /// Adds a route that needs `access`, documented in the service's OpenAPI document by `documentation` (a route
    /// without documentation is listed there all the same, with its access but no contract).
    @discardableResult
    public func on(
        _ path: RouterPath,
        method: HTTPRequest.Method,
        access: RouteAccess,
        documentation: RouteDocumentation? = nil,
        use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        add(path, method: method, access: access, documentation: documentation, isAPI: true, use: handler)
    }

    /// Registers a route and puts the access check in front of its handler.
    private func add(
        _ path: RouterPath,
        method: HTTPRequest.Method,
        access: RouteAccess,
        documentation: RouteDocumentation?,
        isAPI: Bool,
        use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        let responder = CallbackResponder<Context> { request, context in
            try await handler(request, context).response(from: request, context: context)
        }
        registry.add(path, method: method, access: access, documentation: documentation, isAPI: isAPI)
        router.on(path, method: method, responder: AccessCheckResponder(access: access, responder: responder))
        return self
    }

    /// Adds a `GET` route that needs `access`.
    @discardableResult
    public func get(
        _ path: RouterPath,
        access: RouteAccess,
        documentation: RouteDocumentation? = nil,
        use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        on(path, method: .get, access: access, documentation: documentation, use: handler)
    }

    /// Adds a `POST` route that needs `access`.
    @discardableResult
    public func post(
        _ path: RouterPath,
        access: RouteAccess,
        documentation: RouteDocumentation? = nil,
        use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        on(path, method: .post, access: access, documentation: documentation, use: handler)
    }

    /// Adds a `PUT` route that needs `access`.
    @discardableResult
    public func put(
        _ path: RouterPath,
        access: RouteAccess,
        documentation: RouteDocumentation? = nil,
        use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        on(path, method: .put, access: access, documentation: documentation, use: handler)
    }

    /// Adds a `PATCH` route that needs `access`.
    @discardableResult
    public func patch(
        _ path: RouterPath,
        access: RouteAccess,
        documentation: RouteDocumentation? = nil,
        use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        on(path, method: .patch, access: access, documentation: documentation, use: handler)
    }

    /// Adds a `DELETE` route that needs `access`.
    @discardableResult
    public func delete(
        _ path: RouterPath,
        access: RouteAccess,
        documentation: RouteDocumentation? = nil,
        use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        on(path, method: .delete, access: access, documentation: documentation, use: handler)
    }

    /// Adds a route of the operator console: access-checked like any route, but not part of the API, so not listed
    /// in the OpenAPI document.
    @discardableResult
    func console(
        _ path: RouterPath,
        method: HTTPRequest.Method,
        access: RouteAccess,
        use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        add(path, method: method, access: access, documentation: nil, isAPI: false, use: handler)
    }

    /// Names a schema in the OpenAPI document's components, so that routes can refer to it with
    /// ``APIComponents/schema(_:)`` instead of repeating it.
    @discardableResult
    public func addSchema(_ schema: JSONSchema, named name: String) -> Self {
        registry.addSchema(schema, named: name)
        return self
    }

    // MARK: RouterMethods, for routes that declare nothing

    /// Adds a route that declares no access: it needs ````RouteAccess/undeclared````.
    @discardableResult
    public func on<Responder: HTTPResponder>(
        _ path: RouterPath,
        method: HTTPRequest.Method,
        responder: Responder
    ) -> Self where Responder.Context == Context {
        registry.add(path, method: method, access: .undeclared, documentation: nil)
        router.on(path, method: method, responder: AccessCheckResponder(access: .undeclared, responder: responder))
        return self
    }

    /// Adds middleware to the routes added after it.
    @discardableResult
    public func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        router.add(middleware: middleware)
        return self
    }
}
