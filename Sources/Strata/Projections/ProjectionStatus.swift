//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// How far one projection has got, for operators, health checks and dashboards.
public struct ProjectionStatus: Hashable, Sendable {
    /// The projection's name.
    public var name: String
    /// The code version of the running projection.
    public var version: Int
    /// What it is doing.
    public var state: ProjectionState
    /// The position the read model queries see has processed through.
    public var checkpoint: GlobalPosition
    /// The last position in the log.
    public var head: GlobalPosition
    /// How many events of the log lie beyond the checkpoint.
    public var lagEvents: UInt64
    /// How long the oldest event beyond the checkpoint has waited, in seconds; 0 when caught up.
    public var lagSeconds: Double
    /// The generation queries read; 0 while the projection has not built its view yet, so queries of it fail
    /// with ``ReadStoreError`` code `notBuilt`.
    public var generation: Int
    /// The position a rebuild in progress has reached, or `nil` when none is.
    public var rebuildCheckpoint: GlobalPosition?
    /// The most recent error, or `nil`.
    public var lastError: String?
    /// How many events of the active generation are parked.
    public var parkedCount: Int
    /// The process that last reported on the projection (``ProjectionRunner/Configuration/nodeName``), or `nil`.
    public var node: String?
    /// When the projection's state was last recorded in the read store, or `nil` when it never was.
    public var reportedAt: Date?

    public init(
        name: String,
        version: Int,
        state: ProjectionState,
        checkpoint: GlobalPosition,
        head: GlobalPosition,
        lagEvents: UInt64,
        lagSeconds: Double,
        generation: Int,
        rebuildCheckpoint: GlobalPosition?,
        lastError: String?,
        parkedCount: Int,
        node: String? = nil,
        reportedAt: Date? = nil
    ) {
        self.name = name
        self.version = version
        self.state = state
        self.checkpoint = checkpoint
        self.head = head
        self.lagEvents = lagEvents
        self.lagSeconds = lagSeconds
        self.generation = generation
        self.rebuildCheckpoint = rebuildCheckpoint
        self.lastError = lastError
        self.parkedCount = parkedCount
        self.node = node
        self.reportedAt = reportedAt
    }
}
