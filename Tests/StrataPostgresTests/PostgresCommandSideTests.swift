//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataPostgres
import StrataTestSupport
import Testing

private func event(_ n: Int = 0, id: UUID = UUID()) -> NewEvent {
    NewEvent(id: id, type: "Tested", data: Data(#"{"n":\#(n)}"#.utf8))
}

/// What the conformance suite cannot see: races between transactions of several connections.
@Suite("PostgreSQL command-side storage", .timeLimit(.minutes(10)), .enabled(if: TestPostgres.isAvailable))
struct PostgresCommandSideTests {
    private func withStore(_ body: (PostgresEventStore) async throws -> Void) async throws {
        let store = try await TestPostgres.makeStore()
        do {
            try await body(store)
        } catch {
            try? await TestPostgres.dropSchema(store.configuration.schema)
            throw error
        }
        try await TestPostgres.dropSchema(store.configuration.schema)
    }

    @Test("appends racing a deletion land before the deletion event or fail with streamDeleted")
    func appendsRacingDeletion() async throws {
        try await withStore { store in
            let stream: StreamID = "order-1"
            _ = try await store.append([event()], to: stream, expecting: .noStream)
            let outcomes = try await withThrowingTaskGroup(of: Bool?.self) { group in
                for n in 0..<40 {
                    group.addTask {
                        do {
                            _ = try await store.append([event(n)], to: stream, expecting: .any)
                            return true
                        } catch let error as EventStoreError where error.code == .streamDeleted {
                            return false
                        }
                    }
                }
                group.addTask {
                    // Lands the delete among the appends rather than before all of them.
                    try await Task.sleep(for: .milliseconds(5))
                    try await store.deleteStream(stream, expecting: .any)
                    return nil
                }
                return try await group.reduce(into: [Bool]()) { if let appended = $1 { $0.append(appended) } }
            }
            let log = try await store.readAll(from: .start, limit: 100).filter { $0.stream == stream }
            #expect(log.last?.type == StreamLifecycle.deletedEventType, "nothing lands after the deletion")
            #expect(log.count == 2 + outcomes.filter { $0 }.count)
            #expect(log.map(\.version.value) == Array(0..<UInt64(log.count)))
        }
    }

    @Test("concurrent creations of overlapping subject keys agree on one key each and do not deadlock")
    func racingSubjectKeys() async throws {
        try await withStore { store in
            let subjects = (0..<20).map { "customer-\($0)" }
            let results = try await withThrowingTaskGroup(of: [String: SubjectKeyState].self) { group in
                for attempt in 0..<8 {
                    group.addTask {
                        let keys = subjects.shuffled().prefix(15).map { ($0, Data(repeating: UInt8(attempt), count: 32)) }
                        return try await store.createSubjectKeys(Dictionary(uniqueKeysWithValues: keys))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let stored = try await store.subjectKeys(for: Set(subjects))
            for result in results {
                for (subject, state) in result { #expect(stored[subject] == state) }
            }
        }
    }

    @Test("a keyed command that repeats an append already made records the original result")
    func keyedRetryOfStoredAppend() async throws {
        try await withStore { store in
            let stream: StreamID = "order-1"
            let events = [event(1), event(2)]
            let original = try await store.append(events, to: stream, expecting: .noStream)
            let record = CommandOutcomeRecord(
                key: "k",
                fingerprint: "f",
                stream: stream,
                outcome: Data(),
                streamVersion: nil,
                position: .start,
                recordedAt: Date()
            )
            let recording = try await store.recordCommandOutcome(
                record,
                appending: PendingAppend(events: events, stream: stream, expected: .noStream),
                replacingOutcomesBefore: .distantPast
            )
            guard case .recorded(let recorded) = recording else {
                Issue.record("expected the outcome to be recorded, got \(recording)")
                return
            }
            #expect(recorded.streamVersion == original.streamVersion)
            #expect(recorded.position == original.position)
            #expect(try await store.readStream(stream).count == 2)
        }
    }
}
