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
    var isDurable: Bool { false }
}

@Test(
    "the in-memory store passes the conformance suite", .timeLimit(.minutes(5)),
    arguments: EventStoreConformanceCheck.applicable(to: InMemoryBackend()))
func inMemoryConformance(_ check: EventStoreConformanceCheck) async throws {
    try await check.run(on: InMemoryBackend())
}

@Test(
    "the checks of a store that outlives the process (durability, integrity, transfer) do not apply to the in-memory store",
    .timeLimit(.minutes(5))
)
func inMemoryDurabilityDoesNotApply() {
    let applicable = Set(EventStoreConformanceCheck.applicable(to: InMemoryBackend()).map(\.name))
    let left = EventStoreConformanceCheck.all.filter { !applicable.contains($0.name) }
    #expect(left.map(\.name).sorted() == EventStoreConformanceCheck.all.filter(\.requiresDurableStore).map(\.name).sorted())
    #expect(left.count == 5, "\(left.map(\.name))")
}
