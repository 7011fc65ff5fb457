//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

@testable import StrataCommandLine

@Suite("export file lines", .timeLimit(.minutes(1)))
struct ExportLineTests {
    @Test("a trailer written before snapshots and command outcomes were exported reads as having none of them")
    func olderTrailer() throws {
        let line = Data(#"{"end":{"events":3,"processCheckpoints":0,"scheduledCommands":0,"sha256":"ab","streamRecords":1}}"#.utf8)
        guard case .trailer(let fields) = try ExportLine.parse(line) else {
            Issue.record("the line is not read as a trailer")
            return
        }
        #expect(fields.snapshots == nil)
        #expect(
            fields.normalized
                == ExportLine.Trailer.Fields(
                    events: 3, streamRecords: 1, processCheckpoints: 0, scheduledCommands: 0, snapshots: 0, commandOutcomes: 0, sha256: "ab"))
    }

    @Test("a snapshot and a command outcome read back from their lines as they were written")
    func commandStateLines() throws {
        let snapshot = Snapshot(
            stream: "order-1", kind: "order", version: 3, position: 8, schemaVersion: 2, data: Data([0, 255, 10]),
            takenAt: Date(timeIntervalSinceReferenceDate: 812_000_000.123_456))
        guard case .snapshot(let read) = try ExportLine.parse(try ExportLine.line(snapshot).dropLast()) else {
            Issue.record("the line is not read as a snapshot")
            return
        }
        #expect(read == snapshot)
        let outcome = CommandOutcomeRecord(
            key: "key\n\"1\"", fingerprint: "f", stream: "order-1", outcome: Data("{}".utf8), streamVersion: nil, position: 0,
            recordedAt: Date(timeIntervalSinceReferenceDate: 812_000_000.5))
        guard case .outcome(let readOutcome) = try ExportLine.parse(try ExportLine.line(outcome).dropLast()) else {
            Issue.record("the line is not read as a command outcome")
            return
        }
        #expect(readOutcome == outcome)
        #expect(throws: CLIError.self) {
            try ExportLine.parse(
                Data(
                    #"{"snapshot":{"stream":"order-1","kind":"k","version":1,"position":1,"schemaVersion":1,"dataBase64":"%%","takenAtReferenceSeconds":0}}"#
                        .utf8))
        }
    }
}
