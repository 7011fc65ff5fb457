//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Testing

/// The CLI's tests run the real binary against real databases: they may skip PostgreSQL only when the run says
/// so (`STRATA_TEST_SKIP_POSTGRES=1`), and never run without the binary.
@Suite("the real parts the CLI tests need", .timeLimit(.minutes(5)))
struct RealPartsTests {
    @Test("PostgreSQL is there, unless the run opted out with STRATA_TEST_SKIP_POSTGRES=1")
    func postgres() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["STRATA_TEST_SKIP_POSTGRES"] != "1" else { return }
        #expect(
            environment["STRATA_TEST_POSTGRES_URL"] != nil,
            "STRATA_TEST_POSTGRES_URL is not set: run the tests through scripts/test.sh, or opt out with STRATA_TEST_SKIP_POSTGRES=1"
        )
    }

    @Test("the strata binary is built next to the tests")
    func binary() throws {
        let binary = try StrataBinary.require()
        #expect(FileManager.default.isExecutableFile(atPath: binary.path))
    }
}
