//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import Metrics
import OpenAPIKit
import Strata
import Tracing

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
/// answered with), tracing (a server span per request, when a tracer is bootstrapped), problem+json errors,
/// authentication (when a secret is configured), the body limit, then the route, which checks the access it
/// declared (see ``StrataRoutes``).
public enum StrataRouter {
    /// - Parameters:
    ///   - runtime: The stores, projections and queries routes use.
    ///   - configuration: Limits and authentication.
    ///   - metrics: Where HTTP metrics go and what `/metrics` answers; `nil` for no `/metrics` route.
    ///   - problems: Maps the application's own errors to problems, before Strata's mapping.
    ///   - info: The title and version of the service's OpenAPI document (`GET /openapi.json`).
    ///   - addRoutes: Adds the application's routes, each with the access it needs.
    public static func make(
        runtime: StrataRuntime,
        configuration: StrataHTTPConfiguration,
        metrics: MetricsExposition? = nil,
        problems: ProblemMapping = ProblemMapping(),
        info: OpenAPI.Document.Info = defaultInfo,
        addRoutes: (StrataRoutes) -> Void
    ) async -> Router<StrataRequestContext> {
        await makeDocumented(runtime: runtime, configuration: configuration, metrics: metrics, problems: problems, info: info, addRoutes: addRoutes)
            .router
    }

    /// The router ``make(runtime:configuration:metrics:problems:info:addRoutes:)`` builds, with its OpenAPI
    /// document: what its `GET /openapi.json` answers.
    public static func makeDocumented(
        runtime: StrataRuntime,
        configuration: StrataHTTPConfiguration,
        metrics: MetricsExposition? = nil,
        problems: ProblemMapping = ProblemMapping(),
        info: OpenAPI.Document.Info = defaultInfo,
        addRoutes: (StrataRoutes) -> Void
    ) async -> (router: Router<StrataRequestContext>, document: OpenAPI.Document) {
        let (router, openAPI) = await assemble(
            runtime: runtime,
            configuration: configuration,
            metrics: metrics,
            problems: problems,
            info: info,
            addRoutes: addRoutes
        )
        return (router, openAPI.document)
    }

    /// The OpenAPI document of the service ``make(runtime:configuration:metrics:problems:info:addRoutes:)`` builds
    /// with the same arguments.
    public static func openAPIDocument(
        runtime: StrataRuntime,
        configuration: StrataHTTPConfiguration,
        metrics: MetricsExposition? = nil,
        info: OpenAPI.Document.Info = defaultInfo,
        addRoutes: (StrataRoutes) -> Void
    ) async -> OpenAPI.Document {
        await makeDocumented(runtime: runtime, configuration: configuration, metrics: metrics, info: info, addRoutes: addRoutes).document
    }

    /// The document's title and version when the application names none.
    public static let defaultInfo = OpenAPI.Document.Info(title: "Strata service", version: "1.0.0")

    /// The OpenAPI document as indented JSON.
    public static func json(_ document: OpenAPI.Document) throws -> Data { try OpenAPIRoutes.json(document) }

    /// The OpenAPI document as YAML.
    public static func yaml(_ document: OpenAPI.Document) throws -> String { try OpenAPIRoutes.yaml(document) }

    private static func assemble(
        runtime: StrataRuntime,
        configuration: StrataHTTPConfiguration,
        metrics: MetricsExposition?,
        problems: ProblemMapping,
        info: OpenAPI.Document.Info,
        addRoutes: (StrataRoutes) -> Void
    ) async -> (router: Router<StrataRequestContext>, openAPI: OpenAPIRoutes) {
        let router = Router(context: StrataRequestContext.self)
        if let metrics {
            router.add(middleware: HTTPMetricsMiddleware(factory: metrics.factory))
        }
        // A server span per request, continuing the caller's trace (`traceparent`), only when a tracer is in use:
        // without one the middleware's work per request would buy nothing.
        if !(InstrumentationSystem.tracer is NoOpTracer) {
            router.add(middleware: TracingMiddleware())
        }
        // Each request at debug level (`--log-level debug`); inside the request's span, so that the line carries
        // its trace id when the log is set up to show it.
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: ProblemMiddleware(mapping: problems))
        let registry = RouteRegistry()
        if let secret = configuration.authSecret {
            router.add(middleware: await BearerAuthMiddleware(secret: secret, policy: configuration.tokens, registry: registry))
        }
        router.add(middleware: BodyLimitMiddleware(maxBodySize: configuration.maxBodySize, maxJSONDepth: configuration.maxJSONDepth))
        let routes = StrataRoutes(router: router, registry: registry)
        HealthRoutes(runtime: runtime, metrics: metrics).add(to: routes)
        EventStreamRoutes(store: runtime.store, configuration: configuration).add(to: routes)
        CorrelationRoutes(store: runtime.store, configuration: configuration).add(to: routes)
        ProjectionRoutes(runner: runtime.projections).add(to: routes)
        ConsoleRoutes(runtime: runtime, configuration: configuration).add(to: routes)
        addRoutes(routes)
        let openAPI = OpenAPIRoutes(
            registry: registry,
            builder: APIDocumentBuilder(info: info, configuration: configuration, schemas: registry.schemas)
        )
        openAPI.add(to: routes)
        return (router, openAPI)
    }
}
