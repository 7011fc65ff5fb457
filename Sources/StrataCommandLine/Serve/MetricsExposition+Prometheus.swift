//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Prometheus
import StrataHTTP

extension MetricsExposition {
    /// Request metrics recorded in `registry`, and `/metrics` in Prometheus's text format.
    public static func prometheus(_ registry: PrometheusCollectorRegistry) -> MetricsExposition {
        MetricsExposition(
            factory: PrometheusMetricsFactory(registry: registry),
            contentType: "text/plain; version=0.0.4; charset=utf-8",
            render: { registry.emitToBuffer() }
        )
    }
}
