//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Hummingbird
import Logging
import NIOCore
import OpenAPIKit
import Prometheus
import ServiceLifecycle
import Strata
import StrataHTTP
import UnixSignals

/// A ``StrataApplication`` wired into a runnable HTTP service over opened stores: what `strata serve` runs, and
/// what tests and custom executables can build over stores of their own.
///
/// It is a swift-service-lifecycle `Service`: run it in a `ServiceGroup` of your own, beside other services,
/// or on its own with ``runService(gracefulShutdownSignals:)``.
public struct StrataService: Service {
    /// The Hummingbird application, for its test client (`application.test(.router)`).
    public let application: Application<RouterResponder<StrataRequestContext>>
    /// The pieces routes use.
    public let runtime: StrataRuntime
    /// The service's OpenAPI document: what `GET /openapi.json` answers.
    public let openAPIDocument: OpenAPI.Document

    /// Wires `app` into a service.
    ///
    /// The service group runs the projection runner, then the application's services, then the HTTP server;
    /// graceful shutdown stops them in reverse.
    ///
    /// - Parameters:
    ///   - app: The application.
    ///   - store: The event store, with personal data protected.
    ///   - processManagerStore: Where process managers keep checkpoints and deadlines.
    ///   - readStore: The read store.
    ///   - forgetSubject: Crypto-shredding of a data subject, when the store supports it.
    ///   - leases: Projection leases, when several processes share the read store.
    ///   - http: Address, limits and authentication.
    ///   - readTimeout: How long read-your-writes queries wait.
    ///   - readReplicas: Read-only copies of the read store (such as PostgreSQL hot standbys) that answer queries
    ///     when they are available and not lagging; the service checks them and falls back to the read store.
    ///   - readReplicaConfiguration: How replicas are checked and used; its logger and metrics factory are the
    ///     service's.
    ///   - outcomeRetention: How long command outcomes (idempotency keys) are kept: no shorter than the command
    ///     handlers' `idempotencyRetention`, 24 hours by default.
    ///   - outcomePurgeInterval: How often outcomes older than that are deleted (CommandOutcomePurger), when the
    ///     store keeps them.
    ///   - metrics: The registry `/metrics` exposes.
    ///   - telemetry: The service that exports traces, when they are exported. It starts first and stops last, so
    ///     that the spans of the service's shutdown are sent too.
    ///   - logger: The service's logger.
    ///   - onListening: Called with the bound port once the server accepts connections.
    public static func make<App: StrataApplication>(
        _ app: App,
        store: any EventStore,
        processManagerStore: any ProcessManagerStore,
        readStore: any ReadStore,
        forgetSubject: (@Sendable (String) async throws -> Bool)? = nil,
        leases: (any ProjectionLeases)? = nil,
        http: StrataHTTPConfiguration = StrataHTTPConfiguration(),
        readTimeout: Duration = .seconds(5),
        readReplicas: [ReadReplicas.Replica] = [],
        readReplicaConfiguration: ReadReplicas.Configuration = ReadReplicas.Configuration(),
        outcomeRetention: Duration = .seconds(86_400),
        outcomePurgeInterval: Duration = .seconds(3_600),
        metrics: PrometheusCollectorRegistry? = nil,
        telemetry: (any Service)? = nil,
        logger: Logger,
        onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) async -> StrataService {
        var runnerConfiguration = ProjectionRunner.Configuration()
        runnerConfiguration.logger = logger
        runnerConfiguration.leases = leases
        if let metrics { runnerConfiguration.metricsFactory = PrometheusMetricsFactory(registry: metrics) }
        let runner = ProjectionRunner(store: store, readStore: readStore, projections: app.projections, configuration: runnerConfiguration)
        var replicaConfiguration = readReplicaConfiguration
        replicaConfiguration.logger = logger
        if let metrics { replicaConfiguration.metricsFactory = PrometheusMetricsFactory(registry: metrics) }
        let replicas = readReplicas.isEmpty ? nil : ReadReplicas(primary: readStore, replicas: readReplicas, configuration: replicaConfiguration)
        let runtime = StrataRuntime(
            store: store,
            processManagerStore: processManagerStore,
            readStore: readStore,
            projections: runner,
            queries: QueryHandler(readStore: readStore, progress: runner.progress, timeout: readTimeout, replicas: replicas),
            logger: logger,
            forgetSubject: forgetSubject
        )
        let (router, document) = await StrataRouter.makeDocumented(
            runtime: runtime,
            configuration: http,
            metrics: metrics.map(MetricsExposition.prometheus),
            problems: app.problems,
            info: app.openAPIInfo
        ) { routes in
            app.addRoutes(to: routes, runtime: runtime)
        }
        // A service group stops its services in the reverse order of starting them: the exporter goes last.
        var services: [any Service] = (telemetry.map { [$0] } ?? []) + [runner]
        if let replicas { services.append(replicas) }
        if let outcomes = store as? any CommandOutcomeStore {
            services.append(CommandOutcomePurger(store: outcomes, retention: outcomeRetention, interval: outcomePurgeInterval, logger: logger))
        }
        let application = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: http.idleTimeout.map { TimeAmount($0) })),
            configuration: ApplicationConfiguration(
                address: .hostname(http.host, port: http.port),
                serverName: "Strata",
                availableConnectionsDelegate: .maximum(http.maxConnections, logger: logger)
            ),
            services: services + app.services(in: runtime),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? http.port) },
            logger: logger
        )
        return StrataService(application: application, runtime: runtime, openAPIDocument: document)
    }

    static func make<App: StrataApplication>(
        _ app: App,
        stores: ServingStores,
        http: StrataHTTPConfiguration,
        readTimeout: Duration,
        readReplicaMaxLag: UInt64 = 1_000,
        outcomePurgeInterval: Duration,
        metrics: PrometheusCollectorRegistry,
        telemetry: (any Service)? = nil,
        logger: Logger,
        onListening: @escaping @Sendable (Int) -> Void
    ) async -> StrataService {
        await make(
            app,
            store: stores.store,
            processManagerStore: stores.processManagerStore,
            readStore: stores.readStore,
            forgetSubject: stores.forgetSubject,
            leases: stores.leases,
            http: http,
            readTimeout: readTimeout,
            readReplicas: stores.readReplicas,
            readReplicaConfiguration: replicaConfiguration(maximumLag: readReplicaMaxLag),
            outcomePurgeInterval: outcomePurgeInterval,
            metrics: metrics,
            telemetry: telemetry,
            logger: logger,
            onListening: onListening
        )
    }
}

/// The replicas' settings with `serve`'s lag limit.
private func replicaConfiguration(maximumLag: UInt64) -> ReadReplicas.Configuration {
    var configuration = ReadReplicas.Configuration()
    configuration.maximumLag = maximumLag
    return configuration
}

extension StrataService {
    /// Runs the projection runner, the application's services and the HTTP server until graceful shutdown.
    public func run() async throws {
        try await application.run()
    }

    /// Runs the service in a service group of its own that shuts down gracefully on `gracefulShutdownSignals`.
    public func runService(gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        try await application.runService(gracefulShutdownSignals: gracefulShutdownSignals)
    }
}
