//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Crypto
import Foundation

extension InMemoryEventStore: SnapshotStore {
    public func saveSnapshot(_ snapshot: Snapshot) async throws {
        storage.withLock { storage in
            let key = "\(snapshot.kind)\u{0}\(snapshot.stream)"
            if let existing = storage.snapshots[key], existing.schemaVersion == snapshot.schemaVersion,
                existing.version > snapshot.version
            {
                return
            }
            storage.snapshots[key] = snapshot
        }
    }

    public func snapshot(of stream: StreamID, kind: String) async throws -> Snapshot? {
        storage.withLock { $0.snapshots["\(kind)\u{0}\(stream)"] }
    }

    @discardableResult
    public func deleteSnapshots(kind: String?) async throws -> Int {
        storage.withLock { storage in
            let doomed = storage.snapshots.filter { kind == nil || $0.value.kind == kind }.map(\.key)
            for key in doomed { storage.snapshots[key] = nil }
            return doomed.count
        }
    }

    @discardableResult
    public func deleteSnapshots(of stream: StreamID) async throws -> Int {
        storage.withLock { storage in
            let doomed = storage.snapshots.filter { $0.value.stream == stream }.map(\.key)
            for key in doomed { storage.snapshots[key] = nil }
            return doomed.count
        }
    }
}

extension InMemoryEventStore: CommandOutcomeStore {
    public func commandOutcome(forKey key: String, recordedSince cutoff: Date) async throws -> CommandOutcomeRecord? {
        storage.withLock { storage in
            storage.outcomes[key].flatMap { $0.recordedAt >= cutoff ? $0 : nil }
        }
    }

    public func recordCommandOutcome(
        _ record: CommandOutcomeRecord,
        appending append: PendingAppend?,
        replacingOutcomesBefore cutoff: Date
    ) async throws -> CommandOutcomeRecording {
        let recording: CommandOutcomeRecording = try storage.withLock { storage in
            if let existing = storage.outcomes[record.key], existing.recordedAt >= cutoff {
                return .alreadyRecorded(existing)
            }
            var record = record
            if let append {
                let result = try storage.append(append, at: Date())
                record.streamVersion = result.streamVersion
                record.position = result.position
            }
            storage.outcomes[record.key] = record
            return .recorded(record)
        }
        if append != nil, case .recorded = recording { signal.notify() }
        return recording
    }

    @discardableResult
    public func purgeCommandOutcomes(recordedBefore cutoff: Date) async throws -> Int {
        storage.withLock { storage in
            let doomed = storage.outcomes.filter { $0.value.recordedAt < cutoff }.map(\.key)
            for key in doomed { storage.outcomes[key] = nil }
            return doomed.count
        }
    }
}

extension InMemoryEventStore: SubjectKeyStore {
    public func subjectKeys(for subjects: Set<String>) async throws -> [String: SubjectKeyState] {
        storage.withLock { storage in
            var keys: [String: SubjectKeyState] = [:]
            for subject in subjects { keys[subject] = storage.subjectKeys[subject] }
            return keys
        }
    }

    public func createSubjectKeys(_ keys: [String: Data]) async throws -> [String: SubjectKeyState] {
        storage.withLock { storage in
            var stored: [String: SubjectKeyState] = [:]
            for (subject, key) in keys {
                let state = storage.subjectKeys[subject] ?? .active(key)
                storage.subjectKeys[subject] = state
                stored[subject] = state
            }
            return stored
        }
    }

    @discardableResult
    public func forgetSubject(_ subject: String) async throws -> Bool {
        storage.withLock { storage in
            let hadKey = if case .active = storage.subjectKeys[subject] { true } else { false }
            storage.subjectKeys[subject] = .forgotten
            return hadKey
        }
    }

    public func digestSecret() async throws -> Data {
        storage.withLock { storage in
            if let secret = storage.digestSecret { return secret }
            let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
            storage.digestSecret = secret
            return secret
        }
    }
}

extension InMemoryEventStore: ProcessManagerStore {
    public func processCheckpoint(_ name: String) async throws -> GlobalPosition? {
        storage.withLock { $0.checkpoints[name] }
    }

    public func saveProcessCheckpoint(_ name: String, position: GlobalPosition) async throws {
        storage.withLock { storage in
            storage.checkpoints[name] = max(storage.checkpoints[name] ?? .start, position)
        }
    }

    public func schedule(_ command: ScheduledCommand) async throws {
        storage.withLock { storage in
            if storage.scheduled[command.id] == nil {
                storage.scheduled[command.id] = (command, .pending)
            }
        }
    }

    @discardableResult
    public func cancelScheduledCommands(owner: String, processID: String, name: String) async throws -> Int {
        storage.withLock { storage in
            let doomed = storage.scheduled.filter { _, entry in
                entry.status == .pending && entry.command.owner == owner && entry.command.processID == processID
                    && entry.command.name == name
            }
            for id in doomed.keys { storage.scheduled[id]?.status = .cancelled }
            return doomed.count
        }
    }

    public func dueScheduledCommands(owner: String, dueBy date: Date, limit: Int) async throws -> [ScheduledCommand] {
        storage.withLock { storage in
            let due = storage.scheduled.values
                .filter { $0.status == .pending && $0.command.owner == owner && $0.command.dueAt <= date }
                .map(\.command)
                .sorted { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }
            return Array(due.prefix(limit))
        }
    }

    public func nextScheduledCommandDue(owner: String) async throws -> Date? {
        storage.withLock { storage in
            storage.scheduled.values.filter { $0.status == .pending && $0.command.owner == owner }.map(\.command.dueAt).min()
        }
    }

    public func completeScheduledCommand(id: String) async throws {
        storage.withLock { storage in
            if storage.scheduled[id]?.status == .pending { storage.scheduled[id]?.status = .completed }
        }
    }
}
