//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// A projection's entry in a read store's registry: its live generation and, during a rebuild, the next one.
///
/// The registry is updated in the same transaction as the read model, so its positions are exactly what the
/// read model reflects.
public struct ProjectionRecord: Hashable, Sendable {
    /// The projection's name.
    public var name: String
    /// The generation queries read.
    public var active: ProjectionGeneration
    /// The generation being built beside the active one, which replaces it once it has caught up.
    public var rebuilding: ProjectionGeneration?
    /// What the process running the projection last reported, or `nil` when none has yet.
    public var report: ProjectionReport?

    public init(name: String, active: ProjectionGeneration, rebuilding: ProjectionGeneration? = nil, report: ProjectionReport? = nil) {
        self.name = name
        self.active = active
        self.rebuilding = rebuilding
        self.report = report
    }

    /// Whether `other` describes the same generations and positions, whatever either one's report says.
    ///
    /// Runners fence their batches with this: a batch commits only when the registry entry still holds what
    /// the runner last saved, so a rebuild request, a reset or another process's batch makes it start over.
    public func hasSameProgress(as other: ProjectionRecord) -> Bool {
        name == other.name && active == other.active && rebuilding == other.rebuilding
    }
}

/// What a running projection last told its read store about itself, so that operators can see the read side
/// without asking the process that runs it (`strata projections status`).
///
/// It is written with every batch and on every change of state, so its age says how fresh it is: a
/// projection reported live an hour ago by a process that has since died still reads live here.
public struct ProjectionReport: Hashable, Sendable {
    /// The state the projection was in.
    public var state: ProjectionState
    /// The last error the projection met, or `nil`.
    public var lastError: String?
    /// The process that ran the projection, as ``ProjectionRunner/Configuration/nodeName`` names it.
    public var node: String
    /// When the report was written.
    public var reportedAt: Date

    public init(state: ProjectionState, lastError: String?, node: String, reportedAt: Date) {
        self.state = state
        self.lastError = lastError
        self.node = node
        self.reportedAt = reportedAt
    }
}

/// One generation of a projection's read model: a full copy of its collections and tables, built from the log.
public struct ProjectionGeneration: Hashable, Sendable {
    /// The generation number, which suffixes the physical names of its collections and tables.
    public var number: Int
    /// The projection's code version that builds it.
    public var version: Int
    /// The position the generation has processed through: every event up to here is applied (or parked), and
    /// events the projection does not handle are passed. A read-your-writes query for a position at or below
    /// it may be answered.
    public var position: GlobalPosition
    /// The highest SQL migration applied to its tables.
    public var schemaVersion: Int

    public init(number: Int, version: Int, position: GlobalPosition, schemaVersion: Int = 0) {
        self.number = number
        self.version = version
        self.position = position
        self.schemaVersion = schemaVersion
    }
}
