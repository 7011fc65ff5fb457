//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// A Strata workload and the bare-driver workload of the same shape, each returning one figure per run.
struct Comparison: Sendable {
    var name: String
    var unit: String
    var strata: @Sendable () async throws -> Double
    var raw: @Sendable () async throws -> Double
}

/// The figures of one comparison, over all runs.
struct ComparisonResult: Sendable {
    var name: String
    var unit: String
    var strata = Measurements()
    var raw = Measurements()

    /// Strata's median over the bare driver's: 1 means no overhead.
    var ratio: Double { strata.median / raw.median }
}

/// Runs every comparison `runs` times, interleaved (one run of each in turn, Strata and bare alternating), so
/// that a change of the machine's state (a busy disk, another build) affects every workload alike.
func runComparisons(_ comparisons: [Comparison], runs: Int, progress: (String) -> Void) async throws -> [ComparisonResult] {
    var results = comparisons.map { ComparisonResult(name: $0.name, unit: $0.unit) }
    for run in 1...runs {
        for (index, comparison) in comparisons.enumerated() {
            progress("run \(run)/\(runs): \(comparison.name)")
            try await results[index].strata.measure(comparison.strata)
            try await results[index].raw.measure(comparison.raw)
        }
    }
    return results
}

/// Prints results as a table: Strata's line with its ratio to the bare driver, then the bare driver's line.
func printComparisonTable(_ results: [ComparisonResult], baseline: String = "raw postgres-nio") {
    let nameWidth = max(34, (results.map(\.name.count).max() ?? 0) + 18)
    print(
        "workload".padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            + "     median        min        max  unit           peak MiB  strata/raw"
    )
    for result in results {
        for (label, measurements) in [("strata", result.strata), (baseline, result.raw)] {
            let figures = [measurements.median, measurements.minimum, measurements.maximum].map { formatted($0).leftPadded(to: 10) }
            var line = "\(label), \(result.name)".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + " "
            line += figures.joined(separator: " ") + "  " + result.unit.padding(toLength: 12, withPad: " ", startingAt: 0)
            line += formatted(measurements.peakMemory).leftPadded(to: 11)
            if label == "strata" {
                line += String(format: "%.2f", result.ratio).leftPadded(to: 12)
            }
            print(line)
        }
    }
}
