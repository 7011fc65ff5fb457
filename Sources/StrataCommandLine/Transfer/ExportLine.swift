//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata

/// The lines of an export file (JSON lines, gzip-compressed):
///
/// 1. a header: `{"strata":"export","version":1,"head":N,"exportedAt":"…"}`;
/// 2. one line per event, in position order, with the fields of `strata events read` and what an exact copy
///    needs besides: `schemaVersion`, and `recordedAtSeconds` (seconds since 1970, at full precision). The data
///    is the stored bytes as they are, spliced in as the last member (`"data":…`), or `dataBase64` when they
///    are not JSON: an import writes back the very bytes;
/// 3. one line per record of a truncated or deleted stream: `{"streamRecord":{"stream":…,"truncateBefore":N,"deleted":…}}`;
/// 4. one line per process manager's checkpoint, `{"processCheckpoint":{"name":…,"position":N}}`, and one per
///    scheduled command of any status, `{"scheduledCommand":{…}}`: without them, process managers on the copy
///    would react to the whole log again;
/// 5. one line per snapshot, `{"snapshot":{…}}`, and one per command outcome of any age, `{"commandOutcome":{…}}`:
///    a command retried with its idempotency key against the copy gets its first outcome;
/// 6. a trailer: `{"end":{"events":N,"streamRecords":M,…,"sha256":"…"}}`, the counts and the SHA-256 of every
///    line before it, uncompressed, so that an import can refuse a damaged or cut-off file before writing
///    anything.
enum ExportLine {
    static let formatVersion = 1

    struct Header: Codable {
        var strata = "export"
        var version: Int
        var head: UInt64
        var exportedAt: String
    }

    struct Event: Codable {
        var position: UInt64
        var stream: String
        var version: UInt64
        var type: String
        var eventId: String
        var metadata: EventMetadata
        var recordedAt: String
        var recordedAtSeconds: Double
        var schemaVersion: Int
        var dataBase64: String?
    }

    struct Record: Codable {
        struct Fields: Codable {
            var stream: String
            var truncateBefore: UInt64
            var deleted: Bool
        }
        var streamRecord: Fields
    }

    struct Checkpoint: Codable {
        struct Fields: Codable {
            var name: String
            var position: UInt64
        }
        var processCheckpoint: Fields
    }

    struct Scheduled: Codable {
        struct Fields: Codable {
            var id: String
            var owner: String
            var processId: String
            var name: String
            var dueAt: String
            /// Seconds since 2001-01-01, at full precision, as the stores keep it.
            var dueAtReferenceSeconds: Double
            var commandBase64: String
            var metadata: EventMetadata
            var status: String
        }
        var scheduledCommand: Fields
    }

    struct Trailer: Codable {
        struct Fields: Codable, Equatable {
            var events: Int
            var streamRecords: Int
            var processCheckpoints: Int
            var scheduledCommands: Int
            /// `nil` in a file written before snapshots and outcomes were exported, which has none of them.
            var snapshots: Int?
            var commandOutcomes: Int?
            var sha256: String

            /// The counts with a missing one as 0, for comparing an older trailer with what was read.
            var normalized: Fields {
                var fields = self
                fields.snapshots = snapshots ?? 0
                fields.commandOutcomes = commandOutcomes ?? 0
                return fields
            }
        }
        var end: Fields
    }

    /// What one line holds.
    enum Content {
        case header(Header)
        case event(RecordedEvent)
        case record(StreamRecord)
        case checkpoint(name: String, position: GlobalPosition)
        case scheduled(ScheduledCommandRecord)
        case snapshot(Snapshot)
        case outcome(CommandOutcomeRecord)
        case trailer(Trailer.Fields)

        /// The part of the file the line belongs to; the parts come in this order.
        var section: Int {
            switch self {
            case .header: 0
            case .event: 1
            case .record: 2
            case .checkpoint: 3
            case .scheduled: 4
            case .snapshot: 5
            case .outcome: 6
            case .trailer: 7
            }
        }
    }

    static let statuses: [ScheduledCommandStatus: String] = [.pending: "pending", .completed: "completed", .cancelled: "cancelled"]

    static func line(_ record: ScheduledCommandRecord) throws -> Data {
        let command = record.command
        return try line(
            Scheduled(
                scheduledCommand: .init(
                    id: command.id,
                    owner: command.owner,
                    processId: command.processID,
                    name: command.name,
                    dueAt: command.dueAt.iso8601Timestamp,
                    dueAtReferenceSeconds: command.dueAt.timeIntervalSinceReferenceDate,
                    commandBase64: command.command.base64EncodedString(),
                    metadata: command.metadata,
                    status: statuses[record.status] ?? "pending"
                )
            )
        )
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func line(_ value: some Encodable) throws -> Data {
        var data = try encoder.encode(value)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// An event's line, its data spliced in as stored.
    static func line(_ event: RecordedEvent) throws -> Data {
        let isJSON = (try? JSONSerialization.jsonObject(with: event.data, options: [.fragmentsAllowed])) != nil
        let fields = Event(
            position: event.position.value,
            stream: event.stream.rawValue,
            version: event.version.value,
            type: event.type,
            eventId: event.id.lowercasedString,
            metadata: event.metadata,
            recordedAt: event.recordedAt.iso8601Timestamp,
            recordedAtSeconds: event.recordedAt.timeIntervalSince1970,
            schemaVersion: event.schemaVersion,
            dataBase64: isJSON ? nil : event.data.base64EncodedString()
        )
        var line = try encoder.encode(fields)
        guard isJSON else { return line + Data([UInt8(ascii: "\n")]) }
        // Drop the closing brace, and add the data, unchanged, as the last member.
        line.removeLast()
        line.append(contentsOf: Array(#","data":"#.utf8))
        line.append(event.data)
        line.append(contentsOf: Array("}\n".utf8))
        return line
    }

    /// Reads one line (without its newline).
    static func parse(_ line: Data) throws -> Content {
        let decoder = JSONDecoder()
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            throw CLIError.badInput("a line of the file is not a JSON object")
        }
        if object["position"] != nil {
            let fields = try decoder.decode(Event.self, from: line)
            let data: Data
            if let base64 = fields.dataBase64 {
                guard let decoded = Data(base64Encoded: base64) else { throw CLIError.badInput("event \(fields.eventId) has malformed dataBase64") }
                data = decoded
            } else {
                guard let span = RawJSON.topLevelValue(named: "data", in: line) else {
                    throw CLIError.badInput("event \(fields.eventId) has no data")
                }
                data = line.subdata(in: span)
            }
            guard let id = UUID(uuidString: fields.eventId) else { throw CLIError.badInput("'\(fields.eventId)' is not an event id") }
            return .event(
                RecordedEvent(
                    id: id,
                    stream: try StreamID(fields.stream),
                    version: StreamVersion(fields.version),
                    position: GlobalPosition(fields.position),
                    type: fields.type,
                    data: data,
                    metadata: fields.metadata,
                    recordedAt: Date(timeIntervalSince1970: fields.recordedAtSeconds),
                    schemaVersion: fields.schemaVersion
                )
            )
        }
        if object["streamRecord"] != nil {
            let fields = try decoder.decode(Record.self, from: line).streamRecord
            return .record(
                StreamRecord(stream: try StreamID(fields.stream), truncateBefore: StreamVersion(fields.truncateBefore), isDeleted: fields.deleted)
            )
        }
        if object["processCheckpoint"] != nil {
            let fields = try decoder.decode(Checkpoint.self, from: line).processCheckpoint
            return .checkpoint(name: fields.name, position: GlobalPosition(fields.position))
        }
        if object["scheduledCommand"] != nil {
            let fields = try decoder.decode(Scheduled.self, from: line).scheduledCommand
            guard let command = Data(base64Encoded: fields.commandBase64),
                let status = statuses.first(where: { $0.value == fields.status })?.key
            else {
                throw CLIError.badInput("scheduled command '\(fields.id)' has a malformed command or status")
            }
            let scheduled = ScheduledCommand(
                id: fields.id,
                owner: fields.owner,
                processID: fields.processId,
                name: fields.name,
                dueAt: Date(timeIntervalSinceReferenceDate: fields.dueAtReferenceSeconds),
                command: command,
                metadata: fields.metadata
            )
            return .scheduled(ScheduledCommandRecord(command: scheduled, status: status))
        }
        if object["snapshot"] != nil { return try parseSnapshot(line) }
        if object["commandOutcome"] != nil { return try parseOutcome(line) }
        if object["end"] != nil { return .trailer(try decoder.decode(Trailer.self, from: line).end) }
        if object["strata"] as? String == "export" { return .header(try decoder.decode(Header.self, from: line)) }
        throw CLIError.badInput("a line of the file is not one an export writes")
    }
}

/// Finds members of a JSON object in its text without parsing their values: what lets an import take an event's
/// data as the bytes stored, not as a parser would write them again.
enum RawJSON {
    /// The byte range of the value of the top-level member `name` of the object in `text`, or `nil`.
    static func topLevelValue(named name: String, in text: Data) -> Range<Int>? {
        let bytes = [UInt8](text)
        var index = skipSpace(bytes, 0)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        while true {
            index = skipSpace(bytes, index)
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            guard let keyEnd = endOfString(bytes, index) else { return nil }
            let key = String(decoding: bytes[(index + 1)..<(keyEnd - 1)], as: UTF8.self)
            index = skipSpace(bytes, keyEnd)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            let valueStart = skipSpace(bytes, index + 1)
            guard let valueEnd = endOfValue(bytes, valueStart) else { return nil }
            if key == name { return (text.startIndex + valueStart)..<(text.startIndex + valueEnd) }
            index = skipSpace(bytes, valueEnd)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }

    private static func skipSpace(_ bytes: [UInt8], _ start: Int) -> Int {
        var index = start
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        return index
    }

    /// The index after the closing quote of the string that opens at `start`.
    private static func endOfString(_ bytes: [UInt8], _ start: Int) -> Int? {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return nil
    }

    /// The index after the value that starts at `start`: a string, an object or array (strings inside skipped),
    /// or a number or literal.
    private static func endOfValue(_ bytes: [UInt8], _ start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return endOfString(bytes, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard let end = endOfString(bytes, index) else { return nil }
                    index = end
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default: break
                }
                index += 1
            }
            return nil
        default:
            var index = start
            while index < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
                index += 1
            }
            return index
        }
    }
}
