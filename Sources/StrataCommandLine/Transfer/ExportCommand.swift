//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import Strata

/// `strata export FILE`: the whole log, as the store recorded it, to a gzip-compressed JSON-lines file.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the whole log to a gzip-compressed JSON-lines file: the backup that import restores.",
        discussion: """
            One line per event, in position order, with the fields of `events read` plus what an exact copy needs; \
            then the records of truncated and deleted streams, the process managers' checkpoints and scheduled \
            commands; then a trailer with the counts and the SHA-256 of every line before it. Events are written as stored: personal data stays encrypted, and the subject keys \
            are not in the file. Memory stays constant however large the log. The file appears under its name only \
            once complete. Exports up to the head the store had when the export began.
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("The file to write, such as backup.jsonl.gz.", valueName: "file"))
    var file: String

    @Flag(help: "Replace the file if it exists.")
    var force = false

    func run() async throws {
        let location = try storeOptions.location()
        if !force, FileManager.default.fileExists(atPath: file) {
            throw CLIError.badInput("\(file) exists: pass --force to replace it")
        }
        let summary = try await location.withStore(decryptingPersonalData: false, mustExist: true) { store in
            guard let transfer = store as? any LogTransfer else { throw CLIError.badInput("this store cannot export its log") }
            let writer = try GzipLineWriter(path: file)
            do {
                let summary = try await Self.export(transfer, to: writer)
                return summary
            } catch {
                writer.abandon()
                throw error
            }
        }
        try StandardOutput.write(JSONLineEncoder().line(summary))
    }

    struct Summary: Encodable {
        var file: String
        var events: Int
        var streamRecords: Int
        var processCheckpoints: Int
        var scheduledCommands: Int
        var snapshots: Int
        var commandOutcomes: Int
        var sha256: String

        init(file: String, _ counts: ExportLine.Trailer.Fields) {
            self.file = file
            events = counts.events
            streamRecords = counts.streamRecords
            processCheckpoints = counts.processCheckpoints
            scheduledCommands = counts.scheduledCommands
            snapshots = counts.snapshots ?? 0
            commandOutcomes = counts.commandOutcomes ?? 0
            sha256 = counts.sha256
        }
    }

    static func export(_ store: any LogTransfer, to writer: GzipLineWriter) async throws -> Summary {
        let head = try await store.headPosition()
        try writer.write(
            ExportLine.line(ExportLine.Header(version: ExportLine.formatVersion, head: head.value, exportedAt: Date().iso8601Timestamp))
        )
        var progress = ProgressReporter("exporting")
        var events = 0
        var next = GlobalPosition.start
        while next <= head {
            let page = try await store.readAll(from: next, limit: LogScan.pageSize, filter: .all).prefix { $0.position <= head }
            guard let last = page.last else { break }
            for event in page { try writer.write(ExportLine.line(event)) }
            events += page.count
            next = GlobalPosition(last.position.value + 1)
            progress.update(done: events, total: Int(clamping: head.value))
        }
        progress.finish(done: events, total: Int(clamping: head.value))
        var records = 0
        var after: StreamID?
        while true {
            let page = try await store.streamRecords(after: after, limit: LogScan.pageSize)
            for record in page {
                try writer.write(
                    ExportLine.line(
                        ExportLine.Record(
                            streamRecord: .init(
                                stream: record.stream.rawValue, truncateBefore: record.truncateBefore.value, deleted: record.isDeleted)
                        )
                    )
                )
            }
            records += page.count
            guard page.count == LogScan.pageSize, let last = page.last else { break }
            after = last.stream
        }
        var (checkpoints, scheduled) = (0, 0)
        if let processes = store as? any ProcessStateTransfer {
            for (name, position) in try await processes.processCheckpoints().sorted(by: { $0.key < $1.key }) {
                try writer.write(ExportLine.line(ExportLine.Checkpoint(processCheckpoint: .init(name: name, position: position.value))))
                checkpoints += 1
            }
            var afterID: String?
            while true {
                let page = try await processes.scheduledCommands(after: afterID, limit: LogScan.pageSize)
                for record in page { try writer.write(ExportLine.line(record)) }
                scheduled += page.count
                guard page.count == LogScan.pageSize, let last = page.last else { break }
                afterID = last.command.id
            }
        }
        var (snapshots, outcomes) = (0, 0)
        if let commandState = store as? any CommandStateTransfer {
            snapshots = try await commandState.forEachSnapshotPage(pageSize: LogScan.pageSize) { page in
                for snapshot in page { try writer.write(ExportLine.line(snapshot)) }
            }
            outcomes = try await commandState.forEachCommandOutcomePage(pageSize: LogScan.pageSize) { page in
                for record in page { try writer.write(ExportLine.line(record)) }
            }
        }
        let counts = ExportLine.Trailer.Fields(
            events: events,
            streamRecords: records,
            processCheckpoints: checkpoints,
            scheduledCommands: scheduled,
            snapshots: snapshots,
            commandOutcomes: outcomes,
            sha256: writer.digest
        )
        try writer.finish(trailer: ExportLine.line(ExportLine.Trailer(end: counts)))
        return Summary(file: writer.path, counts)
    }
}
