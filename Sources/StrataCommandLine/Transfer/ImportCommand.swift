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
            transaction, the records of truncated and deleted streams, the process managers' checkpoints and \
            scheduled commands, and the snapshots and command outcomes. The store must hold no events, or be a \
            partial import of the same file (its first and last events are the file's at the same positions): then \
            the import continues after its last event, so an interrupted import is finished by running it again. \
            Then runs the store's integrity checks. Memory stays constant however large the file.
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
            if head != .start {
                guard try await Self.isContinued(by: file, store: store, head: head) else {
                    throw CLIError.badInput(
                        "the store holds other events (its head is \(head.value)): import into an empty store, or into a partial import of this file"
                    )
                }
            }
            try await Self.write(file, into: transfer, events: max(0, expected.events - Int(clamping: head.value)), after: head)
            var broken: [String] = []
            if let checking = store as? any IntegrityChecking {
                broken = try await checking.checkIntegrity(examples: 1).filter { !$0.holds }.map { "\($0.name): \($0.examples.first ?? "")" }
            }
            guard broken.isEmpty else {
                throw CLIError("the imported log breaks the store's integrity checks: \(broken.joined(separator: "; "))")
            }
            return ExportCommand.Summary(file: file, expected)
        }
        try StandardOutput.write(JSONLineEncoder().line(summary))
    }

    /// Reads the whole file once, checking its header, every line, the order of its parts and its trailer;
    /// returns the trailer.
    static func check(_ path: String) throws -> ExportLine.Trailer.Fields {
        let reader = try GzipLineReader(path: path)
        var hash = SHA256()
        var counts = ExportLine.Trailer.Fields(
            events: 0, streamRecords: 0, processCheckpoints: 0, scheduledCommands: 0, snapshots: 0, commandOutcomes: 0, sha256: "")
        var (lines, section) = (0, 0)
        var progress = ProgressReporter("checking \(path)")
        while let line = try reader.nextLine() {
            lines += 1
            let content = try ExportLine.parse(line)
            guard lines > 1 || content.section == 0 else { throw CLIError.badInput("\(path) does not start with an export header") }
            guard content.section >= section, lines == 1 || content.section > 0 else {
                throw CLIError.badInput("\(path) has a line out of order, at line \(lines)")
            }
            section = content.section
            switch content {
            case .header(let header):
                guard header.version == ExportLine.formatVersion else {
                    throw CLIError.badInput("\(path) is in export format \(header.version); this version reads format \(ExportLine.formatVersion)")
                }
            case .trailer(let trailer):
                guard try reader.nextLine() == nil else { throw CLIError.badInput("\(path) has lines after its trailer") }
                progress.finish(done: counts.events, total: nil)
                counts.sha256 = hash.finalize().map { String(format: "%02x", $0) }.joined()
                guard trailer.normalized == counts else {
                    throw CLIError.badInput("\(path) is damaged: its lines do not match the counts and checksum of its trailer")
                }
                return trailer.normalized
            case .event:
                counts.events += 1
                progress.update(done: counts.events, total: nil)
            case .record: counts.streamRecords += 1
            case .checkpoint: counts.processCheckpoints += 1
            case .scheduled: counts.scheduledCommands += 1
            case .snapshot: counts.snapshots? += 1
            case .outcome: counts.commandOutcomes? += 1
            }
            hash.update(data: line)
            hash.update(data: Data([UInt8(ascii: "\n")]))
        }
        throw CLIError.badInput("\(path) is cut off: it has no trailer")
    }

    /// Whether the store's log, ending at `head`, is the start of the file's: the file reaches `head`, and holds
    /// the store's events at its first and last positions.
    static func isContinued(by path: String, store: any EventStore, head: GlobalPosition) async throws -> Bool {
        let reader = try GzipLineReader(path: path)
        var wanted: Set<GlobalPosition> = [1, head]
        var ids: [GlobalPosition: UUID] = [:]
        while !wanted.isEmpty, let line = try reader.nextLine() {
            let content = try ExportLine.parse(line)
            // Past the events: the file ends before the store's head.
            if content.section > 1 { break }
            guard case .event(let event) = content else { continue }
            if wanted.remove(event.position) != nil { ids[event.position] = event.id }
        }
        for position in Set([GlobalPosition(1), head]) {
            guard let id = ids[position], try await store.readAll(from: position, limit: 1, filter: .all).first?.id == id else { return false }
        }
        return true
    }

    /// Reads the file again and writes it into `store`, a thousand lines of a kind to a transaction, leaving out the
    /// events up to `resumedAfter`, which the store holds already.
    static func write(_ path: String, into store: any LogTransfer, events total: Int, after resumedAfter: GlobalPosition = .start) async throws {
        let reader = try GzipLineReader(path: path)
        let processes = store as? any ProcessStateTransfer
        let commandState = store as? any CommandStateTransfer
        var progress = ProgressReporter("importing")
        var events: [RecordedEvent] = []
        var records: [StreamRecord] = []
        var checkpoints: [String: GlobalPosition] = [:]
        var scheduled: [ScheduledCommandRecord] = []
        var snapshots: [Snapshot] = []
        var outcomes: [CommandOutcomeRecord] = []
        var written = 0
        func flush(all: Bool) async throws {
            if events.count >= (all ? 1 : LogScan.pageSize) {
                try await store.importEvents(events)
                written += events.count
                events.removeAll(keepingCapacity: true)
                progress.update(done: written, total: total)
            }
            if records.count >= (all ? 1 : LogScan.pageSize) {
                try await store.importStreamRecords(records)
                records.removeAll(keepingCapacity: true)
            }
            if scheduled.count >= (all ? 1 : LogScan.pageSize) || (all && !checkpoints.isEmpty) {
                guard let processes else { throw CLIError.badInput("this store cannot import process managers' state") }
                try await processes.importScheduledCommands(scheduled)
                try await processes.importProcessCheckpoints(checkpoints)
                scheduled.removeAll(keepingCapacity: true)
            }
            if snapshots.count >= (all ? 1 : LogScan.pageSize) || outcomes.count >= (all ? 1 : LogScan.pageSize) {
                guard let commandState else { throw CLIError.badInput("this store cannot import snapshots and command outcomes") }
                try await commandState.importSnapshots(snapshots)
                try await commandState.importCommandOutcomes(outcomes)
                snapshots.removeAll(keepingCapacity: true)
                outcomes.removeAll(keepingCapacity: true)
            }
        }
        while let line = try reader.nextLine() {
            switch try ExportLine.parse(line) {
            case .event(let event): if event.position > resumedAfter { events.append(event) }
            case .record(let record): records.append(record)
            case .checkpoint(let name, let position): checkpoints[name] = position
            case .scheduled(let record): scheduled.append(record)
            case .snapshot(let snapshot): snapshots.append(snapshot)
            case .outcome(let record): outcomes.append(record)
            case .header, .trailer: break
            }
            try await flush(all: false)
        }
        try await flush(all: true)
        progress.finish(done: written, total: total)
    }
}
