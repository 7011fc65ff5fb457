//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Metrics

/// The swift-metrics a projection reports, each with a `projection` dimension.
///
/// - `strata_projection_checkpoint`: the position the read model has processed through.
/// - `strata_projection_lag_events`: how many events of the log lie beyond it.
/// - `strata_projection_lag_seconds`: how long the oldest unapplied event had waited when the runner read it.
/// - `strata_projection_state`: 1 for the current state (dimension `state`), 0 for the others.
/// - `strata_projection_events_applied_total`, `strata_projection_events_parked_total`: counters.
struct ProjectionMetrics: Sendable {
    let checkpoint: Gauge
    let lagEvents: Gauge
    let lagSeconds: Gauge
    let eventsApplied: Counter
    let eventsParked: Counter
    let states: [(ProjectionState, Gauge)]

    init(projection: String, factory: (any MetricsFactory)?) {
        let factory = factory ?? MetricsSystem.factory
        let dimensions = [("projection", projection)]
        checkpoint = Gauge(label: "strata_projection_checkpoint", dimensions: dimensions, factory: factory)
        lagEvents = Gauge(label: "strata_projection_lag_events", dimensions: dimensions, factory: factory)
        lagSeconds = Gauge(label: "strata_projection_lag_seconds", dimensions: dimensions, factory: factory)
        eventsApplied = Counter(label: "strata_projection_events_applied_total", dimensions: dimensions, factory: factory)
        eventsParked = Counter(label: "strata_projection_events_parked_total", dimensions: dimensions, factory: factory)
        states = ProjectionState.allStates.map { state in
            (state, Gauge(label: "strata_projection_state", dimensions: dimensions + [("state", state.description)], factory: factory))
        }
    }

    func recordState(_ current: ProjectionState) {
        for (state, gauge) in states { gauge.record(state == current ? 1 : 0) }
    }
}
