//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

/// What a read-store backend's test target provides so that the read-store conformance suite can exercise it.
///
/// Every store it makes must be fresh and empty, and isolated from stores made for other checks, since checks
/// run in parallel. The event store that feeds it may be any backend.
public protocol ReadStoreConformanceBackend: Sendable {
    /// A fresh, empty read store.
    func makeReadStore() async throws -> any ReadStore

    /// A fresh, empty event store to feed it.
    func makeEventStore() async throws -> any EventStore

    /// Closes `readStore` and opens the same database again, as after a restart of the process.
    func reopen(_ readStore: any ReadStore) async throws -> any ReadStore

    /// Releases a read store when a check is done with it.
    func dispose(_ readStore: any ReadStore) async throws

    /// Releases an event store when a check is done with it.
    func dispose(_ eventStore: any EventStore) async throws
}
