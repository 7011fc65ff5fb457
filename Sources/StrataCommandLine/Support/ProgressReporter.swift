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
/// rebuilding shop-views  [##########..........]   50%  50,000/100,000 events  12,345 ev/s  ETA 4s
/// ```
struct ProgressReporter {
    let label: String
    let unit: String
    let rateUnit: String
    let isTerminal: Bool
    private let start = ContinuousClock.now
    private var lastReport: ContinuousClock.Instant?
    private var drewBar = false

    /// Creates a reporter; it writes nothing until the first update.
    ///
    /// - Parameters:
    ///   - label: What is being done, first on every line.
    ///   - unit: What is counted, after the counts.
    ///   - rateUnit: The rate's unit, after the rate.
    ///   - isTerminal: Whether to redraw one line; by default, whether stderr is a terminal.
    init(_ label: String, unit: String = "events", rateUnit: String = "ev/s", isTerminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.unit = unit
        self.rateUnit = rateUnit
        self.isTerminal = isTerminal
    }

    /// The shortest time between two reports: redraws cost little, but lines in a log do.
    var interval: Duration { isTerminal ? .milliseconds(100) : .seconds(5) }

    /// Reports `done` of `total` (when known), unless the last report is more recent than `interval`.
    mutating func update(done: Int, total: Int?) {
        let now = ContinuousClock.now
        if let lastReport, lastReport.duration(to: now) < interval { return }
        lastReport = now
        let line = Self.line(
            label: label, unit: unit, rateUnit: rateUnit, done: done, total: total, elapsed: start.duration(to: now), bar: isTerminal)
        if isTerminal {
            StandardError.write("\r\u{1B}[2K" + line)
            drewBar = true
        } else {
            StandardError.writeLine(line)
        }
    }

    /// Ends the report with a final line, over the bar on a terminal.
    mutating func finish(done: Int, total: Int?) {
        let line = Self.line(
            label: label,
            unit: unit,
            rateUnit: rateUnit,
            done: done,
            total: total ?? done,
            elapsed: start.duration(to: .now),
            bar: isTerminal
        )
        StandardError.writeLine(isTerminal && drewBar ? "\r\u{1B}[2K" + line : line)
    }

    /// One report: a bar when asked, the share done, counts, rate and time left.
    static func line(label: String, unit: String, rateUnit: String, done: Int, total: Int?, elapsed: Duration, bar: Bool) -> String {
        let seconds = max(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, 0.001)
        let rate = Double(done) / seconds
        var parts = [label]
        if let total, total > 0 {
            let fraction = min(1, Double(max(done, 0)) / Double(total))
            if bar {
                let filled = Int((fraction * 20).rounded(.down))
                parts.append("[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled) + "]")
            }
            parts.append(String(format: "%3.0f%%", (fraction * 100).rounded(.down)))
            parts.append("\(grouped(done))/\(grouped(total)) \(unit)")
            parts.append("\(grouped(Int(rate))) \(rateUnit)")
            if rate > 0, done < total { parts.append("ETA \(duration(seconds: Int((Double(total - done) / rate).rounded(.up))))") }
        } else {
            parts.append("\(grouped(done)) \(unit)")
            parts.append("\(grouped(Int(rate))) \(rateUnit)")
        }
        return parts.joined(separator: "  ")
    }

    /// `value` with thousands separated by commas, the same in every locale so that scripts can read it.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0, index.isMultiple(of: 3) { result.append(",") }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + String(result.reversed())
    }

    /// A time left as people say it: `4s`, `2m05s`, `1h02m`.
    static func duration(seconds: Int) -> String {
        switch seconds {
        case ..<60: "\(seconds)s"
        case ..<3600: "\(seconds / 60)m" + String(format: "%02ds", seconds % 60)
        default: "\(seconds / 3600)h" + String(format: "%02dm", seconds % 3600 / 60)
        }
    }
}
