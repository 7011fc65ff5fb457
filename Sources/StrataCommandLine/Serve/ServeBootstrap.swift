//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging
import Metrics
import Prometheus

/// The process-wide logging and metrics systems of `serve`; each can be bootstrapped once per process.
enum ServeBootstrap {
    /// Logs to stderr at `level`, and returns the service's logger.
    static func logging(level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = LazyMetadataLogHandler(stream: StreamLogHandler.standardError(label: label))
            handler.logLevel = level
            return handler
        }
        return Logger(label: "strata")
    }

    /// Sends every metric (projections, HTTP, anything the application records) to a Prometheus registry that
    /// `GET /metrics` exposes.
    static func metrics() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }
}
