//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// Makes sure that, of all the processes that run the same projections against one read store, exactly one
/// runs each projection at a time, and that another takes over when it stops or dies.
///
/// Give a ``ProjectionRunner`` leases (``ProjectionRunner/Configuration/leases``) when several application processes
/// share one read store. A runner then waits in state ``ProjectionState/standby`` until it holds a projection's
/// lease. Correctness does not rest on the lease: every batch is fenced by the registry entry in the read store
/// (``ProjectionRecord/hasSameProgress(as:)``), so even two holders for a moment could not apply an event twice.
/// The lease keeps the second process from doing that work in vain.
///
/// `PostgresProjectionLeases` (in StrataPostgres) holds a PostgreSQL advisory lock on a dedicated connection;
/// ``LocalProjectionLeases`` serves runners inside one process.
public protocol ProjectionLeases: Sendable {
    /// Waits until this process holds the lease on `projection`, runs `body`, and releases the lease when
    /// `body` returns or throws.
    ///
    /// - Throws: ``ProjectionLeaseLost`` when the lease is lost while `body` runs (`body` is cancelled first);
    ///   `CancellationError` when the task is cancelled, or its service group shuts down gracefully, while
    ///   waiting; otherwise what `body` throws.
    func withLease(on projection: String, _ body: @escaping @Sendable () async throws -> Void) async throws
}

/// A projection's lease was lost while its holder ran it, for instance because the connection that held it broke.
///
/// The runner goes back to waiting for the lease and, once it holds it again, resumes from the checkpoint.
public struct ProjectionLeaseLost: Error, CustomStringConvertible {
    /// The projection.
    public var projection: String
    /// Why the lease was lost.
    public var reason: String

    public init(projection: String, reason: String) {
        self.projection = projection
        self.reason = reason
    }

    public var description: String { "lost the lease on projection '\(projection)': \(reason)" }
}
