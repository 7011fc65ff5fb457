//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Hummingbird
import Metrics
import Strata

/// Builds the router of a Strata service: Strata's generic routes and middleware, plus the application's routes.
///
/// ```swift
/// let router = await StrataRouter.make(runtime: runtime, configuration: configuration) { routes in
///     routes.post("/accounts/{id}/deposits", access: .write) { request, context in … }
/// }
/// let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// ```
///
/// Middleware runs in this order: metrics (outermost, so that each request counts under the status it was
/// answered with), problem+json errors, authentication (when a secret is configured), the body limit, then the
/// route, which checks the access it declared (see ``StrataRoutes``).
public enum StrataRouter {
    /// - Parameters:
    ///   - runtime: The stores, projections and queries routes use.
    ///   - configuration: Limits and authentication.
    ///   - metrics: Where HTTP metrics go and what `/metrics` answers; `nil` for no `/metrics` route.
    ///   - problems: Maps the application's own errors to problems, before Strata's mapping.
    ///   - addRoutes: Adds the application's routes, each with the access it needs.
    public static func make(
        runtime: StrataRuntime,
        configuration: StrataHTTPConfiguration,
        metrics: MetricsExposition? = nil,
        problems: ProblemMapping = ProblemMapping(),
        addRoutes: (StrataRoutes) -> Void
    ) async -> Router<StrataRequestContext> {
        let router = Router(context: StrataRequestContext.self)
        if let metrics {
            router.add(middleware: HTTPMetricsMiddleware(factory: metrics.factory))
        }
        router.add(middleware: ProblemMiddleware(mapping: problems))
        let registry = RouteRegistry()
        if let secret = configuration.authSecret {
            router.add(middleware: await BearerAuthMiddleware(secret: secret, policy: configuration.tokens, registry: registry))
        }
        router.add(middleware: BodyLimitMiddleware(maxBodySize: configuration.maxBodySize, maxJSONDepth: configuration.maxJSONDepth))
        let routes = StrataRoutes(router: router, registry: registry)
        HealthRoutes(runtime: runtime, metrics: metrics).add(to: routes)
        EventStreamRoutes(store: runtime.store, configuration: configuration).add(to: routes)
        ProjectionRoutes(runner: runtime.projections).add(to: routes)
        addRoutes(routes)
        return router
    }
}
