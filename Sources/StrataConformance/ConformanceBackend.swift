//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

/// What a backend's test target provides so that the conformance suite can exercise it.
///
/// Every store it makes must be fresh and empty, and isolated from stores made for other checks, since checks
/// run in parallel.
public protocol ConformanceBackend: Sendable {
    /// A fresh, empty store.
    func makeStore() async throws -> any EventStore

    /// Closes `store` and opens the same database again, as after a restart of the process.
    func reopen(_ store: any EventStore) async throws -> any EventStore

    /// Releases a store when a check is done with it.
    func dispose(_ store: any EventStore) async throws

    /// Whether a store outlives the process, so that reopen(_:) opens what was written again. A store that
    /// lives in memory only hands itself back: the checks that require a durable store do not apply to it
    /// (EventStoreConformanceCheck/applicable(to:) leaves them out; run anyway, they cancel rather than pass). `true`
    /// unless a backend says otherwise.
    var isDurable: Bool { get }

    /// The database the backend's stores trace their appends as (OpenTelemetry's `db.system.name`: `sqlite`,
    /// `postgresql`), or `nil` for a store that traces no database work, such as the in-memory one.
    var databaseSystem: String? { get }
}

extension ConformanceBackend {
    public var isDurable: Bool { true }
    public var databaseSystem: String? { nil }
}
