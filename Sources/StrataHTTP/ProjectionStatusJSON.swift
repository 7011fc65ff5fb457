//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata

/// The JSON shape of a projection's status, the same in `GET /projections` and `strata projections status --json`.
///
/// Absent values are `null`, not left out, so that every status has the same members:
///
/// ```json
/// {"checkpoint":120,"generation":1,"head":125,"lagEvents":5,"lagSeconds":0.8,"lastError":null,"name":"orders",
///  "node":"web-1:4242","parkedCount":0,"rebuildCheckpoint":null,"reportedAt":"2026-11-28T06:40:00.000Z",
///  "state":"live","version":1}
/// ```
public struct ProjectionStatusJSON: Encodable, Sendable {
    /// The projection's name.
    public var name: String
    /// The code version of the running projection.
    public var version: Int
    /// What it is doing: `ProjectionStatus.state` as text.
    public var state: String
    /// The position the read model queries see has processed through.
    public var checkpoint: UInt64
    /// The last position in the log.
    public var head: UInt64
    /// How many events of the log lie beyond the checkpoint.
    public var lagEvents: UInt64
    /// `ProjectionStatus.lagSeconds` rounded to milliseconds.
    public var lagSeconds: Double
    /// The generation queries read.
    public var generation: Int
    /// The position a rebuild in progress has reached, or `nil` when none is.
    public var rebuildCheckpoint: UInt64?
    /// How many events of the active generation are parked.
    public var parkedCount: Int
    /// The most recent error, or `nil`. The HTTP routes put `"withheld"` in its place for callers who may not
    /// read it.
    public var lastError: String?
    /// The process that last reported on the projection, or `nil`.
    public var node: String?
    /// `ProjectionStatus.reportedAt` as an ISO 8601 timestamp with milliseconds, or `nil`.
    public var reportedAt: String?

    /// The JSON shape of `status`.
    public init(_ status: ProjectionStatus) {
        name = status.name
        version = status.version
        state = status.state.description
        checkpoint = status.checkpoint.value
        head = status.head.value
        lagEvents = status.lagEvents
        lagSeconds = (status.lagSeconds * 1000).rounded() / 1000
        generation = status.generation
        rebuildCheckpoint = status.rebuildCheckpoint?.value
        parkedCount = status.parkedCount
        lastError = status.lastError
        node = status.node
        reportedAt = status.reportedAt?.iso8601Timestamp
    }

    private enum CodingKeys: String, CodingKey {
        case name, version, state, checkpoint, head, lagEvents, lagSeconds, generation, rebuildCheckpoint, parkedCount
        case lastError, node, reportedAt
    }

    // Written out because the synthesized encoding leaves `nil` members out, and these must read `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(version, forKey: .version)
        try container.encode(state, forKey: .state)
        try container.encode(checkpoint, forKey: .checkpoint)
        try container.encode(head, forKey: .head)
        try container.encode(lagEvents, forKey: .lagEvents)
        try container.encode(lagSeconds, forKey: .lagSeconds)
        try container.encode(generation, forKey: .generation)
        try container.encode(rebuildCheckpoint, forKey: .rebuildCheckpoint)
        try container.encode(parkedCount, forKey: .parkedCount)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(node, forKey: .node)
        try container.encode(reportedAt, forKey: .reportedAt)
    }
}
