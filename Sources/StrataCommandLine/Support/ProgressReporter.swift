//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// Reports the progress of long work on stderr, never stdout: a bar redrawn in place on a terminal, and a plain
/// line every few seconds otherwise (a log file or CI output should not fill with redraws).
///
/// ```
/// rebuilding shop-views [##########..........]  50%  50,000/100,000 events  12,345/s  ETA 4s
/// ```
struct ProgressReporter {
    let label: String
    let unit: String
    let isTerminal: Bool
    private let start = ContinuousClock.now
    private var lastReport: ContinuousClock.Instant?
    private var drewBar = false

    init(_ label: String, unit: String = "events", isTerminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.unit = unit
        self.isTerminal = isTerminal
    }

    /// Reports `done` of `total` (when known), at most every 100 ms on a terminal and every 5 s otherwise.
    mutating func update(done: Int, total: Int?) {
        let now = ContinuousClock.now
        if let lastReport, lastReport.duration(to: now) < (isTerminal ? .milliseconds(100) : .seconds(5)) { return }
        lastReport = now
        let line = Self.line(label: label, unit: unit, done: done, total: total, elapsed: start.duration(to: now), bar: isTerminal)
        if isTerminal {
            StandardError.write("\r\u{1B}[2K" + line)
            drewBar = true
        } else {
            StandardError.writeLine(line)
        }
    }

    /// Ends the report with a final line.
    mutating func finish(done: Int, total: Int?) {
        let line = Self.line(label: label, unit: unit, done: done, total: total ?? done, elapsed: start.duration(to: .now), bar: isTerminal)
        StandardError.writeLine(isTerminal && drewBar ? "\r\u{1B}[2K" + line : line)
    }

    /// One report: a bar when asked, the share done, counts, rate and time left.
    static func line(label: String, unit: String, done: Int, total: Int?, elapsed: Duration, bar: Bool) -> String {
        let seconds = max(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, 0.001)
        let rate = Double(done) / seconds
        var parts = [label]
        if let total, total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            if bar {
                let filled = Int((fraction * 20).rounded(.down))
                parts.append("[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled) + "]")
            }
            parts.append(String(format: "%3.0f%%", fraction * 100))
            parts.append("\(grouped(done))/\(grouped(total)) \(unit)")
            parts.append("\(grouped(Int(rate)))/s")
            if rate > 0, done < total { parts.append("ETA \(Int((Double(total - done) / rate).rounded(.up)))s") }
        } else {
            parts.append("\(grouped(done)) \(unit)")
            parts.append("\(grouped(Int(rate)))/s")
        }
        return parts.joined(separator: "  ")
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0, index.isMultiple(of: 3), character != "-" { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }
}
