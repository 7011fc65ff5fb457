//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

enum SubscriptionChecks {
    static let all: [EventStoreConformanceCheck] = [
        EventStoreConformanceCheck("a subscription delivers history, then live events, from a position", catchUpThenLive),
        EventStoreConformanceCheck("a category subscription delivers only that category, history and live", categorySubscription),
        EventStoreConformanceCheck("a waiting subscription ends when its task is cancelled", cancellation),
    ]

    static func catchUpThenLive(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let stream = uniqueStream()
            _ = try await store.append((0..<5).map { event(n: $0) }, to: stream, expecting: .noStream)
            let history = try await store.readStream(stream)
            let (found, continuation) = AsyncStream.makeStream(of: RecordedEvent.self)
            let subscriber = Task {
                for try await event in store.subscribeToAll(from: history[2].position) {
                    continuation.yield(event)
                }
                continuation.finish()
            }
            defer { subscriber.cancel() }
            let received = try await withDeadline(20, waitingFor: "history and live events") {
                var iterator = found.makeAsyncIterator()
                var received: [Int] = []
                while received.count < 3, let event = await iterator.next() { received.append(try number(of: event)) }
                // A marker appended after the history: once it arrives, the subscriber has read to the head and is
                // waiting, so the events after it can only come live, not from a catch-up read that came late.
                _ = try await store.append([event(n: 5)], to: stream, expecting: .any)
                while received.count < 4, let event = await iterator.next() { received.append(try number(of: event)) }
                for n in 6..<8 {
                    _ = try await store.append([event(n: n)], to: stream, expecting: .any)
                }
                while received.count < 6, let event = await iterator.next() { received.append(try number(of: event)) }
                return received
            }
            #expect(received == [2, 3, 4, 5, 6, 7])
        }
    }

    static func categorySubscription(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            _ = try await store.append([event(n: 0)], to: uniqueStream("order"), expecting: .noStream)
            _ = try await store.append([event(n: 100)], to: uniqueStream("customer"), expecting: .noStream)
            let received = try await withDeadline(20, waitingFor: "order events") {
                try await withThrowingTaskGroup(of: [Int].self) { group in
                    group.addTask {
                        var received: [Int] = []
                        for try await event in store.subscribeToAll(from: .start, filter: .category("order")) {
                            received.append(try number(of: event))
                            if received.count == 4 { break }
                        }
                        return received
                    }
                    group.addTask {
                        for n in 1..<4 {
                            _ = try await store.append([event(n: 100 + n)], to: uniqueStream("customer"), expecting: .noStream)
                            _ = try await store.append([event(n: n)], to: uniqueStream("order"), expecting: .noStream)
                        }
                        return []
                    }
                    var received: [Int] = []
                    for try await result in group { received += result }
                    return received
                }
            }
            #expect(received == [0, 1, 2, 3])
        }
    }

    static func cancellation(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            _ = try await store.append([event()], to: uniqueStream(), expecting: .noStream)
            let (delivered, continuation) = AsyncStream.makeStream(of: Void.self)
            let subscriber = Task {
                var count = 0
                for try await _ in store.subscribeToAll(from: .start) {
                    count += 1
                    continuation.yield()
                }
                return count
            }
            // Once the history is delivered, the subscriber's next step is to wait for live events.
            try await withDeadline(10, waitingFor: "the history on the subscription") {
                for await _ in delivered { return }
            }
            try await Task.sleep(for: .milliseconds(50))
            subscriber.cancel()
            let count = try await withDeadline(10, waitingFor: "the cancelled subscription to end") {
                try await subscriber.value
            }
            #expect(count == 1)
        }
    }
}
