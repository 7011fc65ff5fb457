//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import Strata

/// `strata copy --from URL --to URL`: the whole log from one store into another, either backend to either,
/// exactly as recorded; run again after an interruption, it continues where the target ends.
struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a store's log into another store (SQLite or PostgreSQL, either way), exactly as recorded.",
        discussion: """
            Copies the events with their positions, ids, versions, metadata and recording times, a thousand to a \
            transaction, then the records of truncated and deleted streams, the process managers' checkpoints and \
            scheduled commands, the snapshots and command outcomes (idempotency keys), and the subject keys and secret of \
            crypto-shredding (forgotten subjects stay forgotten). The target must be empty, or a partial copy of the same source (its first and last \
            events are those of the source at the same positions): then the copy continues after its last event, so \
            an interrupted copy is finished by running it again. Ends with the target's integrity checks. Copies up \
            to the head the source had when the copy began; what is appended later is copied by running it again.
            """
    )

    @Option(help: ArgumentHelp("The store to copy: sqlite:PATH or postgres://….", valueName: "url"))
    var from: String

    @Option(help: ArgumentHelp("The store to copy into: sqlite:PATH or postgres://….", valueName: "url"))
    var to: String

    struct Summary: Encodable {
        var from: String
        var to: String
        var head: UInt64
        var resumedAfter: UInt64
        var copied: Int
        var streamRecords: Int
        var processCheckpoints: Int
        var scheduledCommands: Int
        var snapshots: Int
        var commandOutcomes: Int
        var subjectKeys: Int
    }

    func run() async throws {
        let (source, target) = (try StoreLocation(parsing: from), try StoreLocation(parsing: to))
        guard source != target else { throw CLIError.badInput("--from and --to name the same store") }
        let summary = try await source.withStore(decryptingPersonalData: false, mustExist: true) { sourceStore in
            try await target.withStore(decryptingPersonalData: false) { targetStore in
                guard let reader = sourceStore as? any LogTransfer, let writer = targetStore as? any LogTransfer else {
                    throw CLIError.badInput("these stores cannot copy a log")
                }
                var summary = try await Self.copyLog(from: reader, to: writer)
                (summary.from, summary.to) = (source.description, target.description)
                return summary
            }
        }
        try StandardOutput.write(JSONLineEncoder().line(summary))
    }

    static func copyLog(from source: any LogTransfer, to target: any LogTransfer) async throws -> Summary {
        let head = try await source.headPosition()
        let resumedAfter = try await target.headPosition()
        if resumedAfter != .start {
            guard try await isPrefix(of: source, target, ending: resumedAfter, head: head) else {
                throw CLIError.badInput(
                    "the target holds other events (its head is \(resumedAfter.value)): copy into an empty store, or into a partial copy of this source"
                )
            }
        }
        var progress = ProgressReporter("copying")
        var copied = 0
        var next = GlobalPosition(resumedAfter.value + 1)
        while next <= head {
            let page = try await source.readAll(from: next, limit: LogScan.pageSize, filter: .all).prefix { $0.position <= head }
            guard let last = page.last else { break }
            try await target.importEvents(Array(page))
            copied += page.count
            next = GlobalPosition(last.position.value + 1)
            progress.update(done: Int(clamping: last.position.value), total: Int(clamping: head.value))
        }
        progress.finish(done: copied, total: Int(clamping: head.value - resumedAfter.value))

        var records = 0
        var after: StreamID?
        while true {
            let page = try await source.streamRecords(after: after, limit: LogScan.pageSize)
            try await target.importStreamRecords(page)
            records += page.count
            guard page.count == LogScan.pageSize, let last = page.last else { break }
            after = last.stream
        }
        var (checkpoints, scheduled) = (0, 0)
        if let sourceProcesses = source as? any ProcessStateTransfer {
            guard let targetProcesses = target as? any ProcessStateTransfer else {
                throw CLIError.badInput("the target cannot keep the process managers' state")
            }
            var afterID: String?
            while true {
                let page = try await sourceProcesses.scheduledCommands(after: afterID, limit: LogScan.pageSize)
                try await targetProcesses.importScheduledCommands(page)
                scheduled += page.count
                guard page.count == LogScan.pageSize, let last = page.last else { break }
                afterID = last.command.id
            }
            let positions = try await sourceProcesses.processCheckpoints()
            try await targetProcesses.importProcessCheckpoints(positions)
            checkpoints = positions.count
        }
        let (snapshots, outcomes) = try await copyCommandState(from: source, to: target)
        var keys = 0
        if let sourceKeys = source as? any SubjectKeyTransfer {
            guard let targetKeys = target as? any SubjectKeyTransfer else { throw CLIError.badInput("the target cannot keep subject keys") }
            // The digest secret first: a key made by the target before it would not matter, but digests would.
            try await targetKeys.importStoreSecrets(try await sourceKeys.storeSecrets())
            var afterSubject: String?
            while true {
                let page = try await sourceKeys.subjectKeyRecords(after: afterSubject, limit: LogScan.pageSize)
                try await targetKeys.importSubjectKeyRecords(page)
                keys += page.count
                guard page.count == LogScan.pageSize, let last = page.last else { break }
                afterSubject = last.subject
            }
        }
        if let checking = target as? any IntegrityChecking {
            let broken = try await checking.checkIntegrity(examples: 1).filter { !$0.holds }
            guard broken.isEmpty else {
                let described = broken.map { "\($0.name): \($0.examples.first ?? "")" }.joined(separator: "; ")
                throw CLIError("the copy breaks the target's integrity checks: \(described)")
            }
        }
        return Summary(
            from: "",
            to: "",
            head: head.value,
            resumedAfter: resumedAfter.value,
            copied: copied,
            streamRecords: records,
            processCheckpoints: checkpoints,
            scheduledCommands: scheduled,
            snapshots: snapshots,
            commandOutcomes: outcomes,
            subjectKeys: keys
        )
    }

    /// Copies snapshots and command outcomes, replacing the target's; returns how many of each.
    private static func copyCommandState(from source: any LogTransfer, to target: any LogTransfer) async throws -> (Int, Int) {
        guard let source = source as? any CommandStateTransfer else { return (0, 0) }
        guard let target = target as? any CommandStateTransfer else {
            throw CLIError.badInput("the target cannot keep snapshots and command outcomes")
        }
        let snapshots = try await source.forEachSnapshotPage(pageSize: LogScan.pageSize) { try await target.importSnapshots($0) }
        let outcomes = try await source.forEachCommandOutcomePage(pageSize: LogScan.pageSize) { try await target.importCommandOutcomes($0) }
        return (snapshots, outcomes)
    }

    /// Whether the target's log, ending at `end`, is the start of the source's: same length at most, and the same
    /// events at its first and last positions.
    static func isPrefix(of source: any EventStore, _ target: any EventStore, ending end: GlobalPosition, head: GlobalPosition) async throws -> Bool {
        guard end <= head else { return false }
        for position in [GlobalPosition(1), end] {
            let (ours, theirs) = (
                try await source.readAll(from: position, limit: 1, filter: .all).first,
                try await target.readAll(from: position, limit: 1, filter: .all).first
            )
            guard let ours, let theirs, ours.position == theirs.position, ours.id == theirs.id else { return false }
        }
        return true
    }
}
