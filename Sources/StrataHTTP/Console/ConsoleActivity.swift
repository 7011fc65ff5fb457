//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata

/// The overview chart's first bars: how many events were recorded in each of the last seconds before the page was
/// rendered, so that the chart shows the last minutes at once rather than from the moment it opened. The page's
/// script then adds the events the live stream brings.
struct ConsoleActivity: Equatable {
    /// The seconds the chart spans.
    static let seconds = 180
    /// The most recent events looked at: the chart's cost stays the same on any log and at any rate.
    static let scanLimit = 10_000

    /// Events per second, oldest first; the last is the second the page was rendered in.
    var counts: [Int]
    /// Whether every event of the period was counted (fewer than ``scanLimit`` came back).
    var isComplete: Bool

    /// Counts `times` (newest first, as ``StreamCatalog/recordingTimes(since:amongLast:)`` returns them) into the
    /// seconds before `now`.
    init(times: [Date], now: Date, scanned limit: Int = Self.scanLimit) {
        var counts = [Int](repeating: 0, count: Self.seconds)
        let current = now.timeIntervalSince1970.rounded(.down)
        for time in times {
            // A clock that stepped back can put a time after `now`: it counts in the current second.
            let age = max(0, current - time.timeIntervalSince1970.rounded(.down))
            guard age < Double(Self.seconds) else { continue }
            counts[Self.seconds - 1 - Int(age)] += 1
        }
        self.counts = counts
        isComplete = times.count < limit
    }

    /// The counts as the chart's `data-counts` attribute reads them.
    var attribute: String { counts.map(String.init).joined(separator: ",") }

    /// Reads the last ``seconds`` of `catalog`'s log.
    static func read(from catalog: any StreamCatalog, now: Date = Date()) async throws -> ConsoleActivity {
        let since = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down) - Double(seconds - 1))
        return ConsoleActivity(times: try await catalog.recordingTimes(since: since, amongLast: scanLimit), now: now)
    }
}
