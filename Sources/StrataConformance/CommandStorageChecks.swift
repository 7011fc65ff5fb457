//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

/// The tables beside the log: snapshots, command outcomes, subject keys, process-manager state.
enum CommandStorageChecks {
    static let all: [EventStoreConformanceCheck] = [
        EventStoreConformanceCheck("snapshots are kept per stream and kind, newest version wins, a new schema replaces", snapshots),
        EventStoreConformanceCheck("a command outcome is recorded with its append in one transaction, once per key", commandOutcomes),
        EventStoreConformanceCheck("a recorded outcome whose append fails writes nothing", failedOutcomeAppend),
        EventStoreConformanceCheck("expired command outcomes are skipped, replaced and purged", expiredOutcomes),
        EventStoreConformanceCheck("concurrent commands with one key record one outcome and append once", racingOutcomes),
        EventStoreConformanceCheck("subject keys are created once, and a forgotten subject stays forgotten", subjectKeys),
        EventStoreConformanceCheck(
            "process checkpoints and scheduled commands are kept, due in order, cancelled and completed once", processManagerStorage),
    ]

    static func snapshots(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let snapshots = try #require(store as? any SnapshotStore)
            let stream = uniqueStream()
            #expect(try await snapshots.snapshot(of: stream, kind: "account") == nil)
            let first = Snapshot(stream: stream, kind: "account", version: 9, position: 20, schemaVersion: 1, data: Data("{\"a\":1}".utf8))
            try await snapshots.saveSnapshot(first)
            let read = try #require(try await snapshots.snapshot(of: stream, kind: "account"))
            #expect(read.version == 9)
            #expect(read.position == 20)
            #expect(read.schemaVersion == 1)
            #expect(read.data == first.data)
            #expect(abs(read.takenAt.timeIntervalSince(first.takenAt)) < 1)
            #expect(try await snapshots.snapshot(of: stream, kind: "audit") == nil, "kinds are separate")

            var older = first
            older.version = 5
            try await snapshots.saveSnapshot(older)
            #expect(try await snapshots.snapshot(of: stream, kind: "account")?.version == 9, "an older snapshot does not replace a newer one")

            var reshaped = first
            reshaped.version = 3
            reshaped.schemaVersion = 2
            reshaped.data = Data("{\"b\":2}".utf8)
            try await snapshots.saveSnapshot(reshaped)
            #expect(try await snapshots.snapshot(of: stream, kind: "account") == reshaped, "a new schema version replaces")

            var newer = reshaped
            newer.version = 12
            try await snapshots.saveSnapshot(newer)
            #expect(try await snapshots.snapshot(of: stream, kind: "account")?.version == 12)

            try await snapshots.saveSnapshot(Snapshot(stream: stream, kind: "audit", version: 1, position: 2, schemaVersion: 1, data: Data()))
            #expect(try await snapshots.deleteSnapshots(kind: "account") >= 1)
            #expect(try await snapshots.snapshot(of: stream, kind: "account") == nil)
            #expect(try await snapshots.snapshot(of: stream, kind: "audit") != nil)
            let other = uniqueStream()
            try await snapshots.saveSnapshot(Snapshot(stream: other, kind: "audit", version: 1, position: 2, schemaVersion: 1, data: Data()))
            #expect(try await snapshots.deleteSnapshots(of: stream) == 1)
            #expect(try await snapshots.snapshot(of: stream, kind: "audit") == nil)
            #expect(try await snapshots.snapshot(of: other, kind: "audit") != nil, "other streams keep theirs")
            #expect(try await store.readStream(stream).isEmpty, "snapshots never touch the log")
        }
    }

    static func outcomeRecord(key: String, stream: StreamID, fingerprint: String = "f1", outcome: String = "{}", at date: Date = Date())
        -> CommandOutcomeRecord
    {
        CommandOutcomeRecord(
            key: key,
            fingerprint: fingerprint,
            stream: stream,
            outcome: Data(outcome.utf8),
            streamVersion: nil,
            position: .start,
            recordedAt: date
        )
    }

    static func commandOutcomes(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let outcomes = try #require(store as? any CommandOutcomeStore)
            let stream = uniqueStream()
            let key = "key-\(UUID())"
            let past = Date(timeIntervalSinceNow: -3600)
            #expect(try await outcomes.commandOutcome(forKey: key, recordedSince: past) == nil)

            let append = PendingAppend(events: [event(n: 1), event(n: 2)], stream: stream, expected: .noStream)
            let recording = try await outcomes.recordCommandOutcome(
                outcomeRecord(key: key, stream: stream, outcome: #"{"kind":"appended"}"#),
                appending: append,
                replacingOutcomesBefore: past
            )
            guard case .recorded(let recorded) = recording else {
                Issue.record("expected the outcome to be recorded, got \(recording)")
                return
            }
            #expect(recorded.streamVersion == 1)
            #expect(recorded.position == (try await store.headPosition()))
            #expect(try await store.readStream(stream).map(\.id) == append.events.map(\.id))

            let stored = try #require(try await outcomes.commandOutcome(forKey: key, recordedSince: past))
            #expect(stored.fingerprint == "f1")
            #expect(stored.stream == stream)
            #expect(stored.outcome == Data(#"{"kind":"appended"}"#.utf8))
            #expect(stored.streamVersion == 1)
            #expect(stored.position == recorded.position)

            let again = try await outcomes.recordCommandOutcome(
                outcomeRecord(key: key, stream: stream, fingerprint: "f2"),
                appending: PendingAppend(events: [event(n: 3)], stream: stream, expected: .exactly(1)),
                replacingOutcomesBefore: past
            )
            #expect(again == .alreadyRecorded(stored))
            #expect(try await store.readStream(stream).count == 2, "a repeated key appends nothing")

            let rejectionKey = "key-\(UUID())"
            let rejection = try await outcomes.recordCommandOutcome(
                outcomeRecord(key: rejectionKey, stream: stream, outcome: #"{"kind":"rejected"}"#),
                appending: nil,
                replacingOutcomesBefore: past
            )
            guard case .recorded(let rejected) = rejection else {
                Issue.record("expected the rejection to be recorded, got \(rejection)")
                return
            }
            #expect(rejected.streamVersion == nil)
            #expect(try await outcomes.commandOutcome(forKey: rejectionKey, recordedSince: past)?.outcome == Data(#"{"kind":"rejected"}"#.utf8))
        }
    }

    static func failedOutcomeAppend(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let outcomes = try #require(store as? any CommandOutcomeStore)
            let stream = uniqueStream()
            _ = try await store.append([event(n: 1)], to: stream, expecting: .noStream)
            let key = "key-\(UUID())"
            let past = Date(timeIntervalSinceNow: -3600)
            await #expect(throws: WrongExpectedVersion.self) {
                try await outcomes.recordCommandOutcome(
                    outcomeRecord(key: key, stream: stream),
                    appending: PendingAppend(events: [event(n: 2)], stream: stream, expected: .noStream),
                    replacingOutcomesBefore: past
                )
            }
            #expect(try await outcomes.commandOutcome(forKey: key, recordedSince: past) == nil, "no outcome without its events")
            #expect(try await store.readStream(stream).count == 1)

            try await store.deleteStream(stream, expecting: .any)
            let deleted = await #expect(throws: EventStoreError.self) {
                try await outcomes.recordCommandOutcome(
                    outcomeRecord(key: key, stream: stream),
                    appending: PendingAppend(events: [event(n: 2)], stream: stream, expected: .any),
                    replacingOutcomesBefore: past
                )
            }
            #expect(deleted?.code == .streamDeleted)
            #expect(try await outcomes.commandOutcome(forKey: key, recordedSince: past) == nil)
        }
    }

    static func expiredOutcomes(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let outcomes = try #require(store as? any CommandOutcomeStore)
            let stream = uniqueStream()
            let key = "key-\(UUID())"
            let old = Date(timeIntervalSinceNow: -7200)
            let cutoff = Date(timeIntervalSinceNow: -3600)
            _ = try await outcomes.recordCommandOutcome(
                outcomeRecord(key: key, stream: stream, outcome: "1", at: old),
                appending: nil,
                replacingOutcomesBefore: .distantPast
            )
            #expect(try await outcomes.commandOutcome(forKey: key, recordedSince: cutoff) == nil, "an expired outcome is skipped")
            #expect(try await outcomes.commandOutcome(forKey: key, recordedSince: .distantPast) != nil)

            let replaced = try await outcomes.recordCommandOutcome(
                outcomeRecord(key: key, stream: stream, fingerprint: "f2", outcome: "2"),
                appending: PendingAppend(events: [event(n: 1)], stream: stream, expected: .noStream),
                replacingOutcomesBefore: cutoff
            )
            guard case .recorded = replaced else {
                Issue.record("an expired outcome must be replaced, got \(replaced)")
                return
            }
            #expect(try await outcomes.commandOutcome(forKey: key, recordedSince: cutoff)?.outcome == Data("2".utf8))

            let stale = "key-\(UUID())"
            _ = try await outcomes.recordCommandOutcome(
                outcomeRecord(key: stale, stream: stream, at: old),
                appending: nil,
                replacingOutcomesBefore: .distantPast
            )
            #expect(try await outcomes.purgeCommandOutcomes(recordedBefore: cutoff) >= 1)
            #expect(try await outcomes.commandOutcome(forKey: stale, recordedSince: .distantPast) == nil)
            #expect(try await outcomes.commandOutcome(forKey: key, recordedSince: .distantPast) != nil, "purging keeps fresh outcomes")
        }
    }

    static func racingOutcomes(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let outcomes = try #require(store as? any CommandOutcomeStore)
            let key = "key-\(UUID())"
            let past = Date(timeIntervalSinceNow: -3600)
            // Different streams, so that only the key can make them collide.
            let results = try await withThrowingTaskGroup(of: CommandOutcomeRecording.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let stream = uniqueStream()
                        return try await outcomes.recordCommandOutcome(
                            outcomeRecord(key: key, stream: stream),
                            appending: PendingAppend(events: [event(n: 1)], stream: stream, expected: .noStream),
                            replacingOutcomesBefore: past
                        )
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let recorded = results.compactMap { if case .recorded(let record) = $0 { record } else { nil } }
            #expect(recorded.count == 1)
            let winner = try #require(recorded.first)
            for result in results {
                if case .alreadyRecorded(let record) = result { #expect(record.stream == winner.stream) }
            }
            #expect(try await readWholeLog(store).count == 1, "only the recorded command appended")
        }
    }

    static func subjectKeys(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let keys = try #require(store as? any SubjectKeyStore)
            let ada = "customer-\(UUID())"
            let bob = "customer-\(UUID())"
            #expect(try await keys.subjectKeys(for: [ada, bob]).isEmpty)
            let adaKey = Data(repeating: 1, count: 32)
            let created = try await keys.createSubjectKeys([ada: adaKey])
            #expect(created == [ada: .active(adaKey)])
            let raced = try await keys.createSubjectKeys([ada: Data(repeating: 2, count: 32), bob: Data(repeating: 3, count: 32)])
            #expect(raced[ada] == .active(adaKey), "an existing key is kept")
            #expect(raced[bob] == .active(Data(repeating: 3, count: 32)))

            #expect(try await keys.forgetSubject(ada))
            #expect(try await keys.subjectKeys(for: [ada, bob]) == [ada: .forgotten, bob: .active(Data(repeating: 3, count: 32))])
            #expect(try await keys.createSubjectKeys([ada: Data(repeating: 4, count: 32)]) == [ada: .forgotten], "forgotten stays forgotten")
            #expect(try await keys.forgetSubject(ada) == false)
            let never = "customer-\(UUID())"
            #expect(try await keys.forgetSubject(never) == false)
            #expect(try await keys.subjectKeys(for: [never]) == [never: .forgotten])
        }
    }

    static func processManagerStorage(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let processes = try #require(store as? any ProcessManagerStore)
            let owner = "orders-\(UUID())"
            #expect(try await processes.processCheckpoint(owner) == nil)
            try await processes.saveProcessCheckpoint(owner, position: 7)
            try await processes.saveProcessCheckpoint(owner, position: 3)
            #expect(try await processes.processCheckpoint(owner) == 7, "a checkpoint never moves backwards")

            let now = Date()
            func command(_ id: String, process: String, name: String, dueIn seconds: Double) -> ScheduledCommand {
                ScheduledCommand(
                    id: "\(owner):\(id)",
                    owner: owner,
                    processID: process,
                    name: name,
                    dueAt: now.addingTimeInterval(seconds),
                    command: Data(#"{"cancel":"\#(process)"}"#.utf8),
                    metadata: EventMetadata(correlationID: "c-\(id)", causationID: "e-\(id)")
                )
            }
            let late = command("late", process: "order-1", name: "payment-timeout", dueIn: 60)
            let due = command("due", process: "order-2", name: "payment-timeout", dueIn: -5)
            let dueFirst = command("first", process: "order-3", name: "reminder", dueIn: -10)
            for scheduled in [late, due, dueFirst] { try await processes.schedule(scheduled) }
            var moved = due
            moved.dueAt = now.addingTimeInterval(3600)
            try await processes.schedule(moved)

            #expect(try await processes.dueScheduledCommands(owner: owner, dueBy: now, limit: 10) == [dueFirst, due])
            #expect(try await processes.dueScheduledCommands(owner: owner, dueBy: now, limit: 1) == [dueFirst])
            #expect(try await processes.dueScheduledCommands(owner: "someone-else", dueBy: now, limit: 10).isEmpty)
            let next = try #require(try await processes.nextScheduledCommandDue(owner: owner))
            #expect(abs(next.timeIntervalSince(dueFirst.dueAt)) < 0.01)

            try await processes.completeScheduledCommand(id: dueFirst.id)
            #expect(try await processes.cancelScheduledCommands(owner: owner, processID: "order-2", name: "payment-timeout") == 1)
            #expect(try await processes.cancelScheduledCommands(owner: owner, processID: "order-2", name: "payment-timeout") == 0)
            #expect(try await processes.dueScheduledCommands(owner: owner, dueBy: now, limit: 10).isEmpty)
            try await processes.schedule(dueFirst)
            #expect(try await processes.dueScheduledCommands(owner: owner, dueBy: now, limit: 10).isEmpty, "a completed command stays completed")
            #expect(try await processes.dueScheduledCommands(owner: owner, dueBy: now.addingTimeInterval(120), limit: 10) == [late])
            let remaining = try #require(try await processes.nextScheduledCommandDue(owner: owner))
            #expect(abs(remaining.timeIntervalSince(late.dueAt)) < 0.01)
        }
    }
}
