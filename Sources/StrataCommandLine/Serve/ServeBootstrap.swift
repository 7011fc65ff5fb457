//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging
import Metrics
import OTel
import Prometheus
import ServiceLifecycle

/// The process-wide logging, metrics and tracing systems of `serve`; each can be bootstrapped once per process.
enum ServeBootstrap {
    /// Logs to stderr at `level`, and returns the service's logger. With `traceIDs`, every line logged inside a
    /// span carries its `trace_id` and `span_id`, so that logs and traces can be joined.
    static func logging(level: Logger.Level, traceIDs: Bool = false) -> Logger {
        LoggingSystem.bootstrap(
            { label, metadataProvider in
                var handler = LazyMetadataLogHandler(stream: StreamLogHandler.standardError(label: label, metadataProvider: metadataProvider))
                handler.logLevel = level
                return handler
            },
            metadataProvider: traceIDs ? OTel.makeLoggingMetadataProvider() : nil
        )
        return Logger(label: "strata")
    }

    /// Sends every metric (projections, HTTP, anything the application records) to a Prometheus registry that
    /// `GET /metrics` exposes.
    static func metrics() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }

    /// Installs OpenTelemetry's tracer, exporting over OTLP/HTTP as `export` says, and returns the service that
    /// batches and sends the spans (it flushes what is left when it shuts down).
    static func tracing(_ export: TraceExport, serviceName: String, logger: Logger) throws(CLIError) -> any Service {
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.diagnosticLogger = .custom(logger)
        // The exporter's own messages: problems only, unless OTEL_LOG_LEVEL asks for more.
        configuration.diagnosticLogLevel = .warning
        do {
            return try OTel.bootstrap(configuration: configuration, environment: export.environment)
        } catch {
            throw .badInput("cannot export traces: \(error)")
        }
    }
}
