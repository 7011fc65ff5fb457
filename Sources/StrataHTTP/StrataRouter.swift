//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Hummingbird
import Metrics
import Prometheus
import Strata

/// Builds the router of a Strata service: Strata's generic routes and middleware, plus the application's routes.
///
/// ```swift
/// let router = await StrataRouter.make(environment: environment, configuration: configuration) { router in
///     router.post("/accounts/{id}/deposits") { request, context in … }
/// }
/// let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// ```
///
/// Middleware runs in this order: problem+json errors, metrics, authentication (when a secret is configured),
/// the body limit, then the route.
public enum StrataRouter {
    /// - Parameters:
    ///   - environment: The stores, projections and queries routes use.
    ///   - configuration: Limits and authentication.
    ///   - metrics: The registry `/metrics` exposes and HTTP metrics go to; `nil` for no `/metrics` route.
    ///   - problems: Maps the application's own errors to problems, before Strata's mapping.
    ///   - addRoutes: Adds the application's routes.
    public static func make(
        environment: StrataEnvironment,
        configuration: StrataHTTPConfiguration,
        metrics: PrometheusCollectorRegistry? = nil,
        problems: ProblemMapping = ProblemMapping(),
        addRoutes: (Router<StrataRequestContext>) -> Void
    ) async -> Router<StrataRequestContext> {
        let router = Router(context: StrataRequestContext.self)
        router.add(middleware: ProblemMiddleware(mapping: problems))
        if let metrics {
            router.add(middleware: HTTPMetricsMiddleware(factory: PrometheusMetricsFactory(registry: metrics)))
        }
        if let secret = configuration.authSecret {
            router.add(middleware: await BearerAuthMiddleware(secret: secret))
        }
        router.add(middleware: BodyLimitMiddleware(maxBodySize: configuration.maxBodySize))
        HealthRoutes(environment: environment, metrics: metrics).add(to: router)
        EventStreamRoutes(store: environment.store, configuration: configuration).add(to: router)
        ProjectionRoutes(runner: environment.projections).add(to: router)
        addRoutes(router)
        return router
    }
}
