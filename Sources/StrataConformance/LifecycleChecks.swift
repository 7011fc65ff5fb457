//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

enum LifecycleChecks {
    static let all: [EventStoreConformanceCheck] = [
        EventStoreConformanceCheck("a schema version round-trips with its event", schemaVersionRoundTrip),
        EventStoreConformanceCheck("a deleted stream reads as gone, refuses appends and stays in the global log", softDelete),
        EventStoreConformanceCheck("deleting follows the expected version and cannot happen twice", deleteExpectations),
        EventStoreConformanceCheck("truncating hides earlier events from stream reads only, and only moves forwards", truncate),
        EventStoreConformanceCheck("a deletion survives reopening the store", requiresDurableStore: true, deletionSurvivesReopen),
    ]

    static func schemaVersionRoundTrip(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let stream = uniqueStream()
            var second = event("Shaped", n: 2)
            second.schemaVersion = 3
            _ = try await store.append([event("Shaped", n: 1), second], to: stream, expecting: .noStream)
            #expect(try await store.readStream(stream).map(\.schemaVersion) == [1, 3])
            #expect(try await readWholeLog(store).filter { $0.stream == stream }.map(\.schemaVersion) == [1, 3])
        }
    }

    static func softDelete(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let stream = uniqueStream("customer")
            let other = uniqueStream("customer")
            let stored = [event(n: 1), event(n: 2)]
            let original = try await store.append(stored, to: stream, expecting: .noStream)
            _ = try await store.append([event(n: 9)], to: other, expecting: .noStream)
            let deletion = try await store.deleteStream(stream, expecting: .exactly(1))
            #expect(deletion.streamVersion == 2)
            #expect(try await store.headPosition() == deletion.position)

            #expect(try await store.readStream(stream).isEmpty)
            #expect(try await store.readStream(stream, from: .max, direction: .backwards, limit: 10).isEmpty)
            #expect(try await store.currentVersion(of: stream) == nil)
            #expect(try await store.readStream(other).count == 1, "other streams are untouched")

            for expected in [ExpectedVersion.any, .noStream, .exactly(2), .streamExists] {
                let error = await #expect(throws: EventStoreError.self) {
                    _ = try await store.append([event(n: 3)], to: stream, expecting: expected)
                }
                #expect(error?.code == .streamDeleted, "appending expecting \(expected)")
            }
            // A caller that never heard back from the append before the deletion retries it: it succeeded then.
            #expect(try await store.append(stored, to: stream, expecting: .noStream) == original)
            #expect(try await store.headPosition() == deletion.position, "the refused appends and the retry wrote nothing")

            let log = try await readWholeLog(store, filter: .category("customer")).filter { $0.stream == stream }
            #expect(log.map(\.version) == [0, 1, 2], "the events and the deletion stay in the global log")
            #expect(log.last?.type == StreamLifecycle.deletedEventType)
            #expect(log.last?.position == deletion.position)
        }
    }

    static func deleteExpectations(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let stream = uniqueStream()
            _ = try await store.append([event(n: 1)], to: stream, expecting: .noStream)
            await #expect(throws: WrongExpectedVersion.self) { try await store.deleteStream(stream, expecting: .exactly(5)) }
            #expect(try await store.readStream(stream).count == 1, "a failed deletion changes nothing")
            try await store.deleteStream(stream, expecting: .any)
            let again = await #expect(throws: EventStoreError.self) { try await store.deleteStream(stream, expecting: .any) }
            #expect(again?.code == .streamDeleted)
            let truncated = await #expect(throws: EventStoreError.self) { try await store.truncateStream(stream, before: 1) }
            #expect(truncated?.code == .streamDeleted)
        }
    }

    static func truncate(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let stream = uniqueStream()
            _ = try await store.append((0..<5).map { event(n: $0) }, to: stream, expecting: .noStream)
            try await store.truncateStream(stream, before: 3)
            #expect(try await store.readStream(stream).map(\.version) == [3, 4])
            #expect(try await store.readStream(stream, from: 1, direction: .forwards, limit: 1).map(\.version) == [3])
            #expect(try await store.readStream(stream, from: .max, direction: .backwards, limit: 10).map(\.version) == [4, 3])
            #expect(try await store.currentVersion(of: stream) == 4)
            #expect(try await readWholeLog(store).filter { $0.stream == stream }.count == 5, "the global log keeps every event")

            try await store.truncateStream(stream, before: 1)
            #expect(try await store.readStream(stream).map(\.version) == [3, 4], "truncation never moves backwards")
            _ = try await store.append([event(n: 5)], to: stream, expecting: .exactly(4))
            #expect(try await store.readStream(stream).map(\.version) == [3, 4, 5])
            try await store.truncateStream(stream, before: 6)
            #expect(try await store.readStream(stream).isEmpty)
            #expect(try await store.currentVersion(of: stream) == 5, "versions are untouched")

            let past = await #expect(throws: EventStoreError.self) { try await store.truncateStream(stream, before: 8) }
            #expect(past?.code == .invalidArgument)
            let missing = await #expect(throws: EventStoreError.self) { try await store.truncateStream(uniqueStream(), before: 0) }
            #expect(missing?.code == .invalidArgument)
        }
    }

    static func deletionSurvivesReopen(_ backend: any ConformanceBackend) async throws {
        let store = try await backend.makeStore()
        let stream = uniqueStream()
        let truncated = uniqueStream()
        _ = try await store.append([event(n: 1)], to: stream, expecting: .noStream)
        _ = try await store.append([event(n: 1), event(n: 2)], to: truncated, expecting: .noStream)
        try await store.deleteStream(stream, expecting: .any)
        try await store.truncateStream(truncated, before: 1)
        let reopened = try await backend.reopen(store)
        do {
            #expect(try await reopened.readStream(stream).isEmpty)
            #expect(try await reopened.readStream(truncated).map(\.version) == [1])
            let error = await #expect(throws: EventStoreError.self) {
                _ = try await reopened.append([event(n: 2)], to: stream, expecting: .any)
            }
            #expect(error?.code == .streamDeleted)
        } catch {
            try? await backend.dispose(reopened)
            throw error
        }
        try await backend.dispose(reopened)
    }
}
