//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// What a projection is doing.
public struct ProjectionState: Hashable, Sendable, LosslessStringConvertible {
    let name: String

    /// Not running: the runner has not started it, or it ended on shutdown.
    public static let stopped = ProjectionState(name: "stopped")
    /// Applying events that were committed before it started, or more than a batch behind.
    public static let catchingUp = ProjectionState(name: "catchingUp")
    /// Caught up with the log, applying new events as they commit.
    public static let live = ProjectionState(name: "live")
    /// Building a new generation beside the one queries read.
    public static let rebuilding = ProjectionState(name: "rebuilding")
    /// Stopped by an error; ``ProjectionStatus/lastError`` says which.
    public static let failed = ProjectionState(name: "failed")
    /// Waiting for the projection's lease, which another process holds: it takes over when that one stops.
    public static let standby = ProjectionState(name: "standby")

    /// Every state, in the order of a projection's life.
    public static let allStates: [ProjectionState] = [.stopped, .standby, .catchingUp, .live, .rebuilding, .failed]

    private init(name: String) {
        self.name = name
    }

    /// The state whose description is `description`, or `nil` for an unknown name (e.g. one stored by newer code).
    public init?(_ description: String) {
        guard let state = Self.allStates.first(where: { $0.name == description }) else { return nil }
        self = state
    }

    public var description: String { name }
}
