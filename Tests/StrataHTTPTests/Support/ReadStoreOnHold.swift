//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata
import StrataTestSupport

/// An in-memory read store whose transactions wait until the test releases them: until then, a projection runner
/// on it has built no view, as one that has not started yet.
struct ReadStoreOnHold: ReadStore {
    let base = InMemoryReadStore()
    let released = TestSignal()

    /// Lets the waiting transactions, and every later one, go on.
    func release() { released.raise() }

    func withTransaction<T>(_ body: (any ReadStoreTransaction) async throws -> T) async throws -> T {
        try await released.wait()
        return try await base.withTransaction(body)
    }

    func withReader<T>(_ body: (any ReadStoreReader) async throws -> T) async throws -> T {
        try await base.withReader(body)
    }
}
