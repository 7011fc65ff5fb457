//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import Strata

/// `strata verify`: checks a store's invariants and reports each; exits 0 only when all hold.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a store's invariants, and optionally that another store holds the same log.",
        discussion: """
            Checks, inside the database: positions run from 1 without gaps (and, on PostgreSQL, the head row is the \
            last of them); each stream's versions run from 0 without gaps; within a stream, version order is global \
            order; event ids are unique; deleted and truncated streams match their events; on SQLite, the file passes \
            SQLite's integrity check. Then reads the whole log through, checking that it reads back in order up to \
            the head and that every event's data is JSON. With --against, compares the two logs event by event. \
            Memory stays constant however large the log. Safe on a live store: it only reads. Exits 0 when every \
            check holds, 1 otherwise.
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("Also check that this store (sqlite:PATH or postgres://…) holds the same log.", valueName: "url"))
    var against: String?

    @Option(help: ArgumentHelp("The most violations to describe per check. Default: 5.", valueName: "count"))
    var examples: Int = 5

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard (0...10_000).contains(examples) else { throw ValidationError("--examples must be from 0 to 10000") }
    }

    func run() async throws {
        let location = try storeOptions.location()
        let otherLocation = try against.map { text throws(CLIError) in try StoreLocation(parsing: text) }
        let started = ContinuousClock.now
        let (checks, events) = try await location.withStore(decryptingPersonalData: false, mustExist: true) { store in
            var checks: [IntegrityCheck] = []
            if let checking = store as? any IntegrityChecking {
                checks += try await checking.checkIntegrity(examples: examples)
            }
            var progress = ProgressReporter("verifying \(location)")
            let scan = try await LogScan(store: store, examples: examples).run(progress: &progress)
            checks += scan.checks
            if let otherLocation {
                checks.append(
                    try await otherLocation.withStore(decryptingPersonalData: false, mustExist: true) { other in
                        var progress = ProgressReporter("comparing with \(otherLocation)")
                        return try await LogComparison(store: store, other: other, examples: examples).run(progress: &progress)
                    }
                )
            }
            return (checks, scan.events)
        }
        let report = VerifyReport(
            store: location.description,
            against: otherLocation?.description,
            events: events,
            seconds: Double(started.duration(to: .now).components.seconds),
            checks: checks
        )
        try StandardOutput.write(json ? JSONLineEncoder().line(report) : Data(report.text.utf8))
        let broken = checks.filter { !$0.holds }
        guard broken.isEmpty else {
            throw CLIError("the store breaks \(broken.count) of \(checks.count) checks")
        }
    }
}

/// What `verify` prints: every check with its violations, as text or one JSON object.
struct VerifyReport: Encodable {
    var store: String
    var against: String?
    var events: Int
    var seconds: Double
    var checks: [IntegrityCheck]
    var holds: Bool { checks.allSatisfy(\.holds) }

    private enum CodingKeys: String, CodingKey { case store, against, events, checks, holds }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(store, forKey: .store)
        try container.encodeIfPresent(against, forKey: .against)
        try container.encode(events, forKey: .events)
        try container.encode(checks, forKey: .checks)
        try container.encode(holds, forKey: .holds)
    }

    var text: String {
        var lines = ["VERIFY  \(store)" + (against.map { "  against \($0)" } ?? "")]
        for check in checks {
            lines.append((check.holds ? "ok    " : "FAIL  ") + check.name + (check.holds ? "" : ": \(ProgressReporter.grouped(check.violations))"))
            lines += check.examples.map { "        \($0)" }
            if check.violations > check.examples.count, !check.examples.isEmpty {
                lines.append("        … and \(ProgressReporter.grouped(check.violations - check.examples.count)) more")
            }
        }
        let failed = checks.filter { !$0.holds }.count
        lines.append(
            "\(ProgressReporter.grouped(events)) events read; "
                + (failed == 0 ? "all \(checks.count) checks hold" : "\(failed) of \(checks.count) checks fail")
        )
        return lines.joined(separator: "\n") + "\n"
    }
}
