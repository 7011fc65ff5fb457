//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// Repeated measurements of one figure, summarised as median, minimum and maximum, with the peak memory the
/// process reached while taking them.
struct Measurements: Sendable {
    var values: [Double] = []
    /// The highest resident memory of any measured run, in MiB.
    var peakMemory: Double = 0

    /// Runs `body` once, recording the figure it returns and the memory it took.
    mutating func measure(_ body: () async throws -> Double) async rethrows {
        resetPeakMemory()
        values.append(try await body())
        peakMemory = max(peakMemory, peakMemoryMiB())
    }

    var median: Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }

    var minimum: Double { values.min() ?? .nan }
    var maximum: Double { values.max() ?? .nan }
}

/// Runs `body` and returns how many operations per second it achieved for `operations` operations.
func rate(operations: Int, _ body: () async throws -> Void) async rethrows -> Double {
    let clock = ContinuousClock()
    let elapsed = try await clock.measure { try await body() }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return Double(operations) / seconds
}

/// The process's peak resident memory so far, in MiB (from /proc on Linux).
func peakMemoryMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? .nan
        return kilobytes / 1024
    }
    return .nan
}

/// Lowers the process's recorded peak resident memory to the current one (Linux's `/proc/self/clear_refs`), so
/// that peakMemoryMiB() then reports the peak of what ran since.
func resetPeakMemory() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

/// Formats a rate with thousands separators.
func formatted(_ value: Double) -> String {
    guard value.isFinite else { return "n/a" }
    let number = NumberFormatter()
    number.numberStyle = .decimal
    number.maximumFractionDigits = 0
    return number.string(from: NSNumber(value: value)) ?? String(Int(value))
}
