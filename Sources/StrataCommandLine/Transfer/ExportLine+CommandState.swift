//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata

/// The lines of the command side's state: `{"snapshot":{…}}` and `{"commandOutcome":{…}}`, after the scheduled
/// commands. Bytes go as base64 and times as seconds since 2001-01-01 at full precision, as the stores keep them,
/// so that an import writes back exactly what was exported.
extension ExportLine {
    struct SnapshotLine: Codable {
        struct Fields: Codable {
            var stream: String
            var kind: String
            var version: UInt64
            var position: UInt64
            var schemaVersion: Int
            var dataBase64: String
            var takenAtReferenceSeconds: Double
        }
        var snapshot: Fields
    }

    struct OutcomeLine: Codable {
        struct Fields: Codable {
            var key: String
            var fingerprint: String
            var stream: String
            var outcomeBase64: String
            var streamVersion: UInt64?
            var position: UInt64
            var recordedAtReferenceSeconds: Double
        }
        var commandOutcome: Fields
    }

    static func line(_ snapshot: Snapshot) throws -> Data {
        try line(
            SnapshotLine(
                snapshot: .init(
                    stream: snapshot.stream.rawValue,
                    kind: snapshot.kind,
                    version: snapshot.version.value,
                    position: snapshot.position.value,
                    schemaVersion: snapshot.schemaVersion,
                    dataBase64: snapshot.data.base64EncodedString(),
                    takenAtReferenceSeconds: snapshot.takenAt.timeIntervalSinceReferenceDate
                )
            )
        )
    }

    static func line(_ record: CommandOutcomeRecord) throws -> Data {
        try line(
            OutcomeLine(
                commandOutcome: .init(
                    key: record.key,
                    fingerprint: record.fingerprint,
                    stream: record.stream.rawValue,
                    outcomeBase64: record.outcome.base64EncodedString(),
                    streamVersion: record.streamVersion?.value,
                    position: record.position.value,
                    recordedAtReferenceSeconds: record.recordedAt.timeIntervalSinceReferenceDate
                )
            )
        )
    }

    static func parseSnapshot(_ line: Data) throws -> Content {
        let fields = try JSONDecoder().decode(SnapshotLine.self, from: line).snapshot
        guard let data = Data(base64Encoded: fields.dataBase64) else {
            throw CLIError.badInput("the snapshot of '\(fields.stream)' has malformed dataBase64")
        }
        return .snapshot(
            Snapshot(
                stream: try StreamID(fields.stream),
                kind: fields.kind,
                version: StreamVersion(fields.version),
                position: GlobalPosition(fields.position),
                schemaVersion: fields.schemaVersion,
                data: data,
                takenAt: Date(timeIntervalSinceReferenceDate: fields.takenAtReferenceSeconds)
            )
        )
    }

    static func parseOutcome(_ line: Data) throws -> Content {
        let fields = try JSONDecoder().decode(OutcomeLine.self, from: line).commandOutcome
        guard let outcome = Data(base64Encoded: fields.outcomeBase64) else {
            throw CLIError.badInput("the outcome of command '\(fields.key)' has malformed outcomeBase64")
        }
        return .outcome(
            CommandOutcomeRecord(
                key: fields.key,
                fingerprint: fields.fingerprint,
                stream: try StreamID(fields.stream),
                outcome: outcome,
                streamVersion: fields.streamVersion.map { StreamVersion($0) },
                position: GlobalPosition(fields.position),
                recordedAt: Date(timeIntervalSinceReferenceDate: fields.recordedAtReferenceSeconds)
            )
        )
    }
}
