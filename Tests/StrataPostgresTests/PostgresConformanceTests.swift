//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataConformance
import StrataPostgres
import StrataTestSupport
import Testing

/// Each store gets its own schema on the shared server. The poll interval is an hour, so live delivery in these
/// checks can only come from the in-process wake-up.
struct PostgresBackend: ConformanceBackend {
    var databaseSystem: String? { "postgresql" }

    func makeStore() async throws -> any EventStore {
        try await TestPostgres.makeStore { $0.pollInterval = .seconds(3600) }
    }

    func reopen(_ store: any EventStore) async throws -> any EventStore {
        let postgres = try #require(store as? PostgresEventStore)
        return try await TestPostgres.makeStore(schema: postgres.configuration.schema) { $0.pollInterval = .seconds(3600) }
    }

    func dispose(_ store: any EventStore) async throws {
        let postgres = try #require(store as? PostgresEventStore)
        try await TestPostgres.dropSchema(postgres.configuration.schema)
    }
}

// One check at a time: each migrates a schema of its own, and dozens of those at once load the shared server
// (and this machine) enough to starve the timing-sensitive checks of other suites running beside them.
@Test(
    "the PostgreSQL store passes the conformance suite",
    .timeLimit(.minutes(10)),
    .enabled(if: TestPostgres.isAvailable),
    .serialized,
    arguments: EventStoreConformanceCheck.all
)
func postgresConformance(_ check: EventStoreConformanceCheck) async throws {
    try await check.run(on: PostgresBackend())
}
