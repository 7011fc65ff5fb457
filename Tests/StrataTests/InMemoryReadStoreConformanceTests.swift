//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata
import StrataConformance
import Testing

struct InMemoryReadStoreBackend: ReadStoreConformanceBackend {
    func makeReadStore() async throws -> any ReadStore { InMemoryReadStore() }
    func makeEventStore() async throws -> any EventStore { InMemoryEventStore() }
    // Memory is the database here: reopening is handing back the same store.
    func reopen(_ readStore: any ReadStore) async throws -> any ReadStore { readStore }
    func dispose(_ readStore: any ReadStore) async throws {}
    func dispose(_ eventStore: any EventStore) async throws {}
}

@Test("the in-memory read store passes the read-store conformance suite", .timeLimit(.minutes(5)), arguments: ReadStoreConformanceCheck.all)
func inMemoryReadStoreConformance(_ check: ReadStoreConformanceCheck) async throws {
    try await check.run(on: InMemoryReadStoreBackend())
}
