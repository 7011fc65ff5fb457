//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import NIOCore
import PostgresNIO
import Strata
import Testing

@testable import StrataPostgres

@Suite("PostgreSQL errors")
struct PostgresErrorsTests {
    @Test(
        "a connection lost under a prepared statement, which postgres-nio's older API reports as the socket's error, is unavailable",
        arguments: [
            IOError(errnoCode: ECONNRESET, reason: "read(descriptor:pointer:size:)") as any Error,
            ChannelError.ioOnClosedChannel,
            ChannelError.eof,
            PostgresError.connectionClosed,
            PostgresError.protocol("Unexpected connection close"),
        ]
    )
    func lostConnectionsAreUnavailable(error: any Error) {
        #expect(PostgresErrors.translate(error, "append").code == .unavailable)
    }

    @Test("other failures of the older API are storage failures", arguments: [PostgresError.protocol("Unexpected message: x")])
    func otherFailuresAreStorage(error: PostgresError) {
        #expect(PostgresErrors.translate(error, "append").code == .storage)
    }
}
