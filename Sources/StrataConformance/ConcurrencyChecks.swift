//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

enum ConcurrencyChecks {
    static let all: [EventStoreConformanceCheck] = [
        EventStoreConformanceCheck("of 20 concurrent appends expecting the same version exactly one succeeds", racingAppends),
        EventStoreConformanceCheck("concurrent appends to distinct streams all land, in one order every reader agrees on", distinctStreams),
        EventStoreConformanceCheck("a failing append does not fail the appends committed beside it", failuresStayIsolated),
    ]

    static func racingAppends(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let stream = uniqueStream()
            _ = try await store.append([event()], to: stream, expecting: .noStream)
            let outcomes = await withTaskGroup(of: Result<AppendResult, any Error>.self) { group in
                for n in 0..<20 {
                    group.addTask {
                        await Result(catching: { try await store.append([event(n: n), event(n: n)], to: stream, expecting: .exactly(0)) })
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let successes = outcomes.compactMap { try? $0.get() }
            let conflicts = outcomes.compactMap { outcome -> WrongExpectedVersion? in
                if case .failure(let error) = outcome { return error as? WrongExpectedVersion }
                return nil
            }
            #expect(successes.count == 1)
            #expect(conflicts.count == 19)
            #expect(conflicts.allSatisfy { $0.actual == 2 && $0.expected == .exactly(0) })
            let events = try await store.readStream(stream)
            #expect(events.map(\.version) == [0, 1, 2])
            #expect(Set(try events.dropFirst().map { try number(of: $0) }).count == 1, "the two events must come from one append")
        }
    }

    static func distinctStreams(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let writers = 50
            let eventsPerWriter = 4
            let total = writers * eventsPerWriter
            // The subscriber starts before any write and must see every event exactly once, in order.
            let subscriber = Task {
                try await withDeadline(30, waitingFor: "\(total) events on a subscription") {
                    var seen: [RecordedEvent] = []
                    for try await event in store.subscribeToAll(from: .start) {
                        seen.append(event)
                        if seen.count == total { break }
                    }
                    return seen
                }
            }
            let results = try await withThrowingTaskGroup(of: [AppendResult].self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        let stream = StreamID(category: "writer\(writer)", id: "stream")
                        var results: [AppendResult] = []
                        for n in 0..<eventsPerWriter {
                            let expected: ExpectedVersion = n == 0 ? .noStream : .exactly(StreamVersion(UInt64(n - 1)))
                            results.append(try await store.append([event(n: writer * 100 + n)], to: stream, expecting: expected))
                        }
                        return results
                    }
                }
                return try await group.reduce(into: []) { $0.append(contentsOf: $1) }
            }
            #expect(Set(results.map(\.position)).count == total, "every append gets its own position")

            let seen = try await subscriber.value
            let log = try await readWholeLog(store)
            #expect(log.count == total)
            #expect(seen.map(\.id) == log.map(\.id), "the subscriber sees the log's events once each, in its order")
            #expect(Set(seen.map(\.id)).count == total)
            expectWellOrdered(seen)
            #expect(Set(log.map(\.position)) == Set(results.map(\.position)))
            // Nothing arrives that was not committed: one more event after the expected count.
            let tail = try await store.readAll(from: log[log.count - 1].position.next, limit: 10)
            #expect(tail.isEmpty)
        }
    }

    static func failuresStayIsolated(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let contested = uniqueStream()
            _ = try await store.append([event()], to: contested, expecting: .noStream)
            let duplicate = event(n: -1)
            _ = try await store.append([duplicate], to: uniqueStream(), expecting: .noStream)
            let fresh = (0..<20).map { _ in uniqueStream() }

            enum Kind: Sendable { case contested, duplicate, fresh }
            // Each failure is kept, not just noted: a busy or broken store must not pass for a refused append.
            let outcomes = await withTaskGroup(of: (Kind, Result<AppendResult, any Error>).self) { group in
                for n in 0..<10 {
                    group.addTask { (.contested, await Result { try await store.append([event(n: n)], to: contested, expecting: .exactly(0)) }) }
                }
                for stream in fresh {
                    group.addTask { (.fresh, await Result { try await store.append([event(), event()], to: stream, expecting: .noStream) }) }
                }
                for _ in 0..<5 {
                    group.addTask {
                        (.duplicate, await Result { try await store.append([event(), duplicate], to: uniqueStream(), expecting: .any) })
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            func failures(_ kind: Kind) -> [any Error] {
                outcomes.compactMap { outcome in
                    guard outcome.0 == kind, case .failure(let error) = outcome.1 else { return nil }
                    return error
                }
            }
            let contestedFailures = failures(.contested)
            #expect(contestedFailures.count == 9)
            #expect(contestedFailures.allSatisfy { ($0 as? WrongExpectedVersion)?.actual == 1 }, "\(contestedFailures)")
            #expect(failures(.fresh).isEmpty, "\(failures(.fresh))")
            let duplicateFailures = failures(.duplicate)
            #expect(duplicateFailures.count == 5)
            #expect(duplicateFailures.allSatisfy { ($0 as? EventStoreError)?.code == .duplicateEventID }, "\(duplicateFailures)")
            for stream in fresh {
                #expect(try await store.readStream(stream).count == 2)
            }
            #expect(try await readWholeLog(store).count == 1 + 1 + 1 + 40)
        }
    }
}
