//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle
import Strata
import StrataHTTP

/// `strata serve`: runs the application as an HTTP service until SIGTERM or SIGINT.
///
/// Startup opens (and migrates) the stores, starts the projections and the application's background
/// services, then the HTTP server. Shutdown runs in reverse: the server stops accepting and drains in-flight
/// requests and event streams, projections finish their batch and checkpoint, and the databases close.
struct ServeCommand<App: StrataApplication>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "serve",
            abstract: "Serve \(App.summary) over HTTP.",
            discussion: """
                Every option (flags aside) can also come from the environment: STRATA_STORE (or STRATA_POSTGRES_URL), \
                STRATA_READ_STORE, STRATA_HOST, STRATA_PORT, STRATA_AUTH_SECRET, STRATA_AUTH_ISSUER, \
                STRATA_AUTH_AUDIENCE, STRATA_AUTH_MAX_TOKEN_LIFETIME, STRATA_MAX_BODY_SIZE, STRATA_READ_TIMEOUT, \
                STRATA_OUTCOME_PURGE_INTERVAL, STRATA_MAX_CONNECTIONS, STRATA_IDLE_TIMEOUT, STRATA_MAX_EVENT_STREAMS \
                and STRATA_LOG_LEVEL. Options win over the environment. Durations take a unit (250ms, 3s, 30m, 1h, \
                2d) or are plain seconds. Trace export also follows OpenTelemetry's variables: OTEL_EXPORTER_OTLP_ENDPOINT \
                (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) switches it on, OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER and the \
                other OTEL_* settings for traces apply.
                """
        )
    }

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var readStoreOptions: ReadStoreOptions

    @Option(help: ArgumentHelp("The address to bind. Default: 127.0.0.1.", valueName: "address"))
    var host: String?

    @Option(help: ArgumentHelp("The port to bind; 0 picks a free one. Default: 8080.", valueName: "port"))
    var port: Int?

    @Option(
        name: .customLong("auth-secret"),
        help: ArgumentHelp("Require HS256 bearer tokens signed with this secret (better: STRATA_AUTH_SECRET).", valueName: "secret")
    )
    var authSecret: String?

    @OptionGroup var authOptions: ServeAuthOptions

    @Option(name: .customLong("max-body-size"), help: ArgumentHelp("The largest request body, in bytes. Default: 1048576.", valueName: "bytes"))
    var maxBodySize: Int?

    @Option(
        name: .customLong("read-timeout"),
        help: ArgumentHelp("How long a read-your-writes query waits for the views before 503 (250ms, 5s, 1m). Default: 5s.", valueName: "duration")
    )
    var readTimeout: DurationArgument?

    @Option(
        name: .customLong("read-replica"),
        help: ArgumentHelp(
            "Answer queries from this PostgreSQL hot standby of the read store (repeatable); commands and projections use the primary.",
            valueName: "url"
        )
    )
    var readReplicas: [String] = []

    @Option(
        name: .customLong("read-replica-max-lag"),
        help: ArgumentHelp("Skip a read replica whose views are more events than this behind the primary's. Default: 1000.", valueName: "events")
    )
    var readReplicaMaxLag: Int?

    @Option(
        name: .customLong("outcome-purge-interval"),
        help: ArgumentHelp("How often command outcomes older than 24 hours are deleted. Default: 1h.", valueName: "duration")
    )
    var outcomePurgeInterval: DurationArgument?

    @Option(
        name: .customLong("max-connections"),
        help: ArgumentHelp("The most connections served at once; more wait to be accepted. Default: 512.", valueName: "count")
    )
    var maxConnections: Int?

    @Option(
        name: .customLong("idle-timeout"),
        help: ArgumentHelp(
            "Close a connection silent this long, between requests or while its request head arrives; 0 never. Default: 30s.",
            valueName: "duration"
        )
    )
    var idleTimeout: DurationArgument?

    @Option(
        name: .customLong("max-event-streams"),
        help: ArgumentHelp("The most /events streams open at once; more are answered 503. Default: 128.", valueName: "count")
    )
    var maxEventStreams: Int?

    @Option(
        name: .customLong("otel-endpoint"),
        help: ArgumentHelp(
            "Export traces over OTLP/HTTP to this OpenTelemetry collector (http://127.0.0.1:4318). Default: off, unless OTEL_* variables ask.",
            valueName: "url"
        )
    )
    var otelEndpoint: String?

    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info, notice, warning or error. Default: info.", valueName: "level"))
    var logLevel: String?

    @OptionGroup var application: App

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings = try ServeSettings(command: self, environment: environment)
        let logger = ServeBootstrap.logging(level: settings.logLevel, traceIDs: settings.traceExport != nil)
        let metrics = ServeBootstrap.metrics()
        let telemetry = try settings.traceExport.map { try ServeBootstrap.tracing($0, serviceName: App.commandName, logger: logger) }
        try await ServingStores.with(
            settings.store,
            settings.readStore,
            replicas: settings.readReplicas,
            rules: application.personalDataRules,
            logger: logger
        ) { stores in
            try await serve(stores, settings: settings, metrics: metrics, telemetry: telemetry, logger: logger)
        }
        logger.info("stopped")
    }

    private func serve(
        _ stores: ServingStores,
        settings: ServeSettings,
        metrics: PrometheusCollectorRegistry,
        telemetry: (any Service)?,
        logger: Logger
    ) async throws {
        let service = await StrataService.make(
            application,
            stores: stores,
            http: settings.http,
            readTimeout: settings.readTimeout,
            readReplicaMaxLag: settings.readReplicaMaxLag,
            outcomePurgeInterval: settings.outcomePurgeInterval,
            metrics: metrics,
            telemetry: telemetry,
            logger: logger
        ) { port in
            let url = "http://\(settings.http.host):\(port)"
            logger.info("serving \(App.summary)", metadata: ["url": "\(url)"])
            // One line on stdout that scripts can wait for; the log goes to stderr.
            try? StandardOutput.write(Data("\(App.commandName) serving on \(url)\n".utf8))
            logger.info("try: curl \(url)/health")
        }
        logger.info(
            "starting",
            metadata: [
                "events": "\(settings.store)",
                "read-models": "\(settings.readStore)",
                "read-replicas": "\(settings.readReplicas.isEmpty ? "none" : settings.readReplicas.map(\.name).joined(separator: ","))",
                "authentication": "\(settings.http.authSecret == nil ? "off" : "bearer JWT (HS256)")",
                "traces": "\(settings.traceExport?.summary ?? "off")",
                "projections": "\(service.runtime.projections.projectionNames.joined(separator: ","))",
            ]
        )
        try await service.runService()
    }
}
