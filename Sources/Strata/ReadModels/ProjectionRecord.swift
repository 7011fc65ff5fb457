//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
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

    public init(name: String, active: ProjectionGeneration, rebuilding: ProjectionGeneration? = nil) {
        self.name = name
        self.active = active
        self.rebuilding = rebuilding
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
