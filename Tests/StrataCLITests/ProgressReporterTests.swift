//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Testing

@testable import StrataCommandLine

@Suite("the progress reporter's lines", .timeLimit(.minutes(10)))
struct ProgressReporterTests {
    @Test("a terminal gets a bar, the share, counts, rate and time left")
    func bar() {
        let line = ProgressReporter.line(
            label: "rebuilding shop-views",
            unit: "events",
            rateUnit: "ev/s",
            done: 45_120,
            total: 100_000,
            elapsed: .seconds(4),
            bar: true
        )
        #expect(line == "rebuilding shop-views  [#########...........]   45%  45,120/100,000 events  11,280 ev/s  ETA 5s")
    }

    @Test("a log gets the same line without the bar; an unknown total shows counts and rate only")
    func plain() {
        let known = ProgressReporter.line(
            label: "reading", unit: "events", rateUnit: "ev/s", done: 999, total: 1000, elapsed: .seconds(1), bar: false)
        #expect(known == "reading   99%  999/1,000 events  999 ev/s  ETA 1s", "99.9% is not done yet")
        let finished = ProgressReporter.line(
            label: "reading", unit: "events", rateUnit: "ev/s", done: 10, total: 10, elapsed: .seconds(2), bar: false)
        #expect(finished == "reading  100%  10/10 events  5 ev/s")
        let unknown = ProgressReporter.line(
            label: "reading", unit: "events", rateUnit: "ev/s", done: 1234, total: nil, elapsed: .seconds(1), bar: true)
        #expect(unknown == "reading  1,234 events  1,234 ev/s")
        let stalled = ProgressReporter.line(label: "reading", unit: "events", rateUnit: "ev/s", done: 0, total: 10, elapsed: .seconds(1), bar: false)
        #expect(stalled == "reading    0%  0/10 events  0 ev/s", "no rate, no guess at the time left")
    }

    @Test("numbers group by thousands and times left read as people say them")
    func formats() {
        #expect(ProgressReporter.grouped(0) == "0")
        #expect(ProgressReporter.grouped(999) == "999")
        #expect(ProgressReporter.grouped(1_000) == "1,000")
        #expect(ProgressReporter.grouped(-1_234_567) == "-1,234,567")
        #expect(ProgressReporter.duration(seconds: 4) == "4s")
        #expect(ProgressReporter.duration(seconds: 125) == "2m05s")
        #expect(ProgressReporter.duration(seconds: 3725) == "1h02m")
    }

    @Test("a log is written to at most every 5 seconds, a terminal every 100 ms")
    func interval() {
        #expect(ProgressReporter("x", isTerminal: false).interval == .seconds(5))
        #expect(ProgressReporter("x", isTerminal: true).interval == .milliseconds(100))
    }
}
