//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Metrics

/// Where the HTTP layer records request metrics, and what `GET /metrics` answers.
///
/// The HTTP layer depends on swift-metrics only; the metrics backend (Prometheus in `strata serve`) is chosen by
/// whoever wires the service.
public struct MetricsExposition: Sendable {
    /// The factory request counters and timers are made with.
    public var factory: any MetricsFactory
    /// The `Content-Type` of the `/metrics` reply.
    public var contentType: String
    /// Renders every metric, in the format `contentType` names, for one `/metrics` reply.
    public var render: @Sendable () -> [UInt8]

    /// - Parameters:
    ///   - factory: The factory request metrics are made with.
    ///   - contentType: The `Content-Type` of the `/metrics` reply.
    ///   - render: Renders the metrics for one reply.
    public init(factory: any MetricsFactory, contentType: String, render: @escaping @Sendable () -> [UInt8]) {
        self.factory = factory
        self.contentType = contentType
        self.render = render
    }
}
