//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata
import StrataConformance
import Testing

struct InMemoryBackend: ConformanceBackend {
    func makeStore() async throws -> any EventStore { InMemoryEventStore() }
    // Memory is the database here: reopening is handing back the same store.
    func reopen(_ store: any EventStore) async throws -> any EventStore { store }
    func dispose(_ store: any EventStore) async throws {}
}

@Test("the in-memory store passes the conformance suite", arguments: ConformanceCheck.all)
func inMemoryConformance(_ check: ConformanceCheck) async throws {
    try await check.run(on: InMemoryBackend())
}
