//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

@Suite("timestamps as Strata shows them")
struct DateTimestampTests {
    @Test("ISO 8601 in UTC with milliseconds, whatever the process's time zone")
    func format() {
        #expect(Date(timeIntervalSince1970: 0).iso8601Timestamp == "1970-01-01T00:00:00.000Z")
        #expect(Date(timeIntervalSince1970: 1_796_324_347.25).iso8601Timestamp == "2026-12-03T18:59:07.250Z")
    }
}
