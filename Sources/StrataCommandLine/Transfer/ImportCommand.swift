//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Crypto
import Foundation
import Strata

/// `strata import FILE`: writes an export into an empty store, exactly as it was recorded.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Restore a file written by export into an empty store, exactly as it was recorded.",
        discussion: """
            Reads the file twice: first to check it whole (its header, every line, the counts and the SHA-256 of \
            its trailer), so that a damaged or cut-off file is refused before anything is written; then to write \
            its events, with their positions, ids, versions, metadata and recording times, a thousand to a \
            transaction, and the records of truncated and deleted streams. The store must hold no events. Then \
            runs the store's integrity checks. Memory stays constant however large the file.
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("The file that export wrote.", valueName: "file"))
    var file: String

    func run() async throws {
        let location = try storeOptions.location()
        guard FileManager.default.fileExists(atPath: file) else { throw CLIError.badInput("there is no file \(file)") }
        let expected = try Self.check(file)
        let summary = try await location.withStore(decryptingPersonalData: false) { store in
            guard let transfer = store as? any LogTransfer else { throw CLIError.badInput("this store cannot import a log") }
            let head = try await store.headPosition()
            guard head == .start else {
                throw CLIError.badInput("the store already holds events (its head is \(head.value)): import into an empty store")
            }
            try await Self.write(file, into: transfer, events: expected.events)
            var broken: [String] = []
            if let checking = store as? any IntegrityChecking {
                broken = try await checking.checkIntegrity(examples: 1).filter { !$0.holds }.map { "\($0.name): \($0.examples.first ?? "")" }
            }
            guard broken.isEmpty else {
                throw CLIError("the imported log breaks the store's integrity checks: \(broken.joined(separator: "; "))")
            }
            return ExportCommand.Summary(file: file, events: expected.events, streamRecords: expected.streamRecords, sha256: expected.sha256)
        }
        try StandardOutput.write(JSONLineEncoder().line(summary))
    }

    /// Reads the whole file once, checking its header, every line and its trailer; returns the trailer.
    static func check(_ path: String) throws -> ExportLine.Trailer.Fields {
        let reader = try GzipLineReader(path: path)
        var hash = SHA256()
        var (lines, events, records) = (0, 0, 0)
        var progress = ProgressReporter("checking \(path)")
        while let line = try reader.nextLine() {
            lines += 1
            let content = try ExportLine.parse(line)
            switch content {
            case .header(let header):
                guard lines == 1 else { throw CLIError.badInput("\(path) has a second header, at line \(lines)") }
                guard header.version == ExportLine.formatVersion else {
                    throw CLIError.badInput("\(path) is in export format \(header.version); this version reads format \(ExportLine.formatVersion)")
                }
            case .trailer(let trailer):
                guard try reader.nextLine() == nil else { throw CLIError.badInput("\(path) has lines after its trailer") }
                progress.finish(done: events, total: nil)
                let digest = hash.finalize().map { String(format: "%02x", $0) }.joined()
                guard trailer.sha256 == digest, trailer.events == events, trailer.streamRecords == records else {
                    throw CLIError.badInput("\(path) is damaged: its lines do not match the counts and checksum of its trailer")
                }
                return trailer
            case .event:
                guard records == 0 else { throw CLIError.badInput("\(path) has an event after the stream records, at line \(lines)") }
                events += 1
                progress.update(done: events, total: nil)
            case .record:
                records += 1
            }
            if lines == 1, case .header = content {
            } else if lines == 1 {
                throw CLIError.badInput("\(path) does not start with an export header")
            }
            hash.update(data: line)
            hash.update(data: Data([UInt8(ascii: "\n")]))
        }
        throw CLIError.badInput("\(path) is cut off: it has no trailer")
    }

    /// Reads the file again and writes it into `store`, a thousand events (or stream records) to a transaction.
    static func write(_ path: String, into store: any LogTransfer, events total: Int) async throws {
        let reader = try GzipLineReader(path: path)
        var progress = ProgressReporter("importing")
        var events: [RecordedEvent] = []
        var records: [StreamRecord] = []
        var written = 0
        while let line = try reader.nextLine() {
            switch try ExportLine.parse(line) {
            case .event(let event): events.append(event)
            case .record(let record): records.append(record)
            case .header, .trailer: break
            }
            if events.count == LogScan.pageSize {
                try await store.importEvents(events)
                written += events.count
                events.removeAll(keepingCapacity: true)
                progress.update(done: written, total: total)
            }
            if records.count == LogScan.pageSize {
                try await store.importStreamRecords(records)
                records.removeAll(keepingCapacity: true)
            }
        }
        try await store.importEvents(events)
        try await store.importStreamRecords(records)
        progress.finish(done: written + events.count, total: total)
    }
}
