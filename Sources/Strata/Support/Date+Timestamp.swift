//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

extension Date {
    /// The moment as Strata shows it to people and clients: ISO 8601 in UTC with milliseconds,
    /// `2026-12-03T18:41:13.732Z` (an event's `recordedAt` in the HTTP API and the CLI, `reportedAt`, `parkedAt`).
    public var iso8601Timestamp: String { Self.timestampStyle.format(self) }

    // The style's time zone is UTC unless one is given.
    private static let timestampStyle = ISO8601FormatStyle(includingFractionalSeconds: true)
}
