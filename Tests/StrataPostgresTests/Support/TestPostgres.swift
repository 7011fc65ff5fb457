//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Logging
import PostgresNIO
import Strata
import StrataPostgres
import StrataTestSupport
import Testing

/// Runs `body` while `store.run()` runs beside it.
func withRunning<T: Sendable>(_ store: PostgresEventStore, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await store.run()
            return nil
        }
        let value = try await body()
        group.cancelAll()
        return value
    }
}

/// PostgreSQL is the production backend: its tests may be skipped only when the run says so
/// (`STRATA_TEST_SKIP_POSTGRES=1`), never because a server or its binaries happen to be missing.
@Test("PostgreSQL and its server binaries are there, unless the run opted out with STRATA_TEST_SKIP_POSTGRES=1", .timeLimit(.minutes(1)))
func postgresIsRequired() {
    guard !TestPostgres.isSkipped else { return }
    #expect(
        TestPostgres.isAvailable,
        "STRATA_TEST_POSTGRES_URL is not set: run the tests through scripts/test.sh, or opt out with STRATA_TEST_SKIP_POSTGRES=1")
    #expect(PrivatePostgres.isAvailable, "STRATA_TEST_POSTGRES_BIN names no initdb: the server-restart tests need PostgreSQL's binaries")
}
