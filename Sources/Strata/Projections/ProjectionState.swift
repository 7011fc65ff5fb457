//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// What a projection is doing.
public struct ProjectionState: Hashable, Sendable, CustomStringConvertible {
    let name: String

    /// Not running: the runner has not started it, or it ended on shutdown.
    public static let stopped = ProjectionState(name: "stopped")
    /// Applying events that were committed before it started, or more than a batch behind.
    public static let catchingUp = ProjectionState(name: "catchingUp")
    /// Caught up with the log, applying new events as they commit.
    public static let live = ProjectionState(name: "live")
    /// Building a new generation beside the one queries read.
    public static let rebuilding = ProjectionState(name: "rebuilding")
    /// Stopped by an error; ProjectionStatus/lastError says which.
    public static let failed = ProjectionState(name: "failed")

    public var description: String { name }
}
