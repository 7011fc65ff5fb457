//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

// A protected store is everything its base is, so that command handlers and process managers can be given the
// protected store alone. Appends made through the base's other interfaces are encrypted too.

extension ProtectedEventStore: CommandOutcomeStore where Base: CommandOutcomeStore {
    public func commandOutcome(forKey key: String, recordedSince cutoff: Date) async throws -> CommandOutcomeRecord? {
        try await base.commandOutcome(forKey: key, recordedSince: cutoff)
    }

    public func recordCommandOutcome(
        _ record: CommandOutcomeRecord,
        appending append: PendingAppend?,
        replacingOutcomesBefore cutoff: Date
    ) async throws -> CommandOutcomeRecording {
        var protected = append
        if let append {
            protected?.events = try await protect(append.events, in: append.stream)
        }
        return try await base.recordCommandOutcome(record, appending: protected, replacingOutcomesBefore: cutoff)
    }

    @discardableResult
    public func purgeCommandOutcomes(recordedBefore cutoff: Date) async throws -> Int {
        try await base.purgeCommandOutcomes(recordedBefore: cutoff)
    }
}

extension ProtectedEventStore: SnapshotStore where Base: SnapshotStore {
    public func saveSnapshot(_ snapshot: Snapshot) async throws { try await base.saveSnapshot(snapshot) }

    public func snapshot(of stream: StreamID, kind: String) async throws -> Snapshot? {
        try await base.snapshot(of: stream, kind: kind)
    }

    @discardableResult
    public func deleteSnapshots(kind: String?) async throws -> Int { try await base.deleteSnapshots(kind: kind) }

    @discardableResult
    public func deleteSnapshots(of stream: StreamID) async throws -> Int { try await base.deleteSnapshots(of: stream) }
}

extension ProtectedEventStore: ProcessManagerStore where Base: ProcessManagerStore {
    public func processCheckpoint(_ name: String) async throws -> GlobalPosition? { try await base.processCheckpoint(name) }

    public func saveProcessCheckpoint(_ name: String, position: GlobalPosition) async throws {
        try await base.saveProcessCheckpoint(name, position: position)
    }

    public func schedule(_ command: ScheduledCommand) async throws { try await base.schedule(command) }

    @discardableResult
    public func cancelScheduledCommands(owner: String, processID: String, name: String) async throws -> Int {
        try await base.cancelScheduledCommands(owner: owner, processID: processID, name: name)
    }

    public func dueScheduledCommands(owner: String, dueBy date: Date, limit: Int) async throws -> [ScheduledCommand] {
        try await base.dueScheduledCommands(owner: owner, dueBy: date, limit: limit)
    }

    public func nextScheduledCommandDue(owner: String) async throws -> Date? { try await base.nextScheduledCommandDue(owner: owner) }

    public func completeScheduledCommand(id: String) async throws { try await base.completeScheduledCommand(id: id) }
}

extension ProtectedEventStore: SubjectKeyStore where Base: SubjectKeyStore {
    public func subjectKeys(for subjects: Set<String>) async throws -> [String: SubjectKeyState] {
        try await base.subjectKeys(for: subjects)
    }

    public func createSubjectKeys(_ keys: [String: Data]) async throws -> [String: SubjectKeyState] {
        try await base.createSubjectKeys(keys)
    }

    @discardableResult
    public func forgetSubject(_ subject: String) async throws -> Bool { try await forget(subject) }

    /// The secret of `keys`, where this store's subject keys are.
    public func digestSecret() async throws -> Data { try await keys.digestSecret() }
}

extension ProtectedEventStore: StreamCatalog where Base: StreamCatalog {
    public func listStreams(category: String?, prefix: String?, after: StreamID?, limit: Int) async throws -> [StreamSummary] {
        try await base.listStreams(category: category, prefix: prefix, after: after, limit: limit)
    }

    public func statistics() async throws -> EventStoreStatistics { try await base.statistics() }

    public func listCategories(after: String?, limit: Int) async throws -> [CategorySummary] {
        try await base.listCategories(after: after, limit: limit)
    }

    public func event(id: UUID) async throws -> RecordedEvent? {
        guard let event = try await base.event(id: id) else { return nil }
        return try await reveal([event]).first
    }

    public func recordingTimes(since: Date, amongLast limit: Int) async throws -> [Date] {
        try await base.recordingTimes(since: since, amongLast: limit)
    }

    public func events(correlatedWith correlationID: String, from position: GlobalPosition, limit: Int) async throws -> [RecordedEvent] {
        try await reveal(try await base.events(correlatedWith: correlationID, from: position, limit: limit))
    }
}
