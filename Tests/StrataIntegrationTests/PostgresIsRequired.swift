//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import StrataPostgres
import StrataTestSupport
import Testing

/// The cross-database checks may be skipped only when the run says so (`STRATA_TEST_SKIP_POSTGRES=1`).
@Test("PostgreSQL is there for the integration tests, unless the run opted out with STRATA_TEST_SKIP_POSTGRES=1", .timeLimit(.minutes(1)))
func postgresIsRequiredByIntegrationTests() {
    guard !TestPostgres.isSkipped else { return }
    #expect(
        TestPostgres.isAvailable,
        "STRATA_TEST_POSTGRES_URL is not set: run the tests through scripts/test.sh, or opt out with STRATA_TEST_SKIP_POSTGRES=1")
}
