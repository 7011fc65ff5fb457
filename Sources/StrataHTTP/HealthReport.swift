//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// The body of `GET /health` and `GET /health/live`. Parts a caller may not see are `nil`, and left out.
struct HealthReport: Encodable, Sendable {
    /// `ready`, `unavailable` or (for liveness) `alive`.
    var status: String
    var eventStore: Part?
    var readStore: Part?
    var projections: [Projection]?
    var readReplicas: [ReadReplica]?

    /// A database: `up` (with the event store's head) or `down` with a stable error code.
    struct Part: Encodable, Sendable {
        var status: String
        var head: UInt64?
        var error: String?
    }

    /// A read replica's health: whether it answers queries, and how far its views were behind at the last check. A
    /// replica that does not answer never makes the service unready: the read store answers its queries.
    struct ReadReplica: Encodable, Sendable {
        var name: String
        var status: String
        var lagEvents: UInt64?
    }

    /// A projection's state and lag, enough to tell why the service is not ready.
    struct Projection: Encodable, Sendable {
        var name: String
        var state: String
        var lagEvents: UInt64
    }
}
