//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata
import StrataTestSupport
import Synchronization
import Testing

/// An in-memory event store that counts the live subscriptions opened on it: a projection runner opens one only
/// when it has nothing left to do and waits, so a test can tell that a runner is idle rather than about to look.
final class SubscriptionCountingStore: EventStore {
    let base = InMemoryEventStore()
    private let opened = Atomic<Int>(0)

    /// How many subscriptions have been opened so far.
    var subscriptions: Int { opened.load(ordering: .sequentiallyConsistent) }

    /// Waits, for at most 10 s, until more than `count` subscriptions have been opened.
    func waitForSubscriptions(beyond count: Int) async throws {
        try await eventually("a subscription beyond \(count)") { subscriptions > count }
    }

    func append(_ events: [NewEvent], to stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        try await base.append(events, to: stream, expecting: expected)
    }

    func readStream(_ stream: StreamID, from version: StreamVersion, direction: ReadDirection, limit: Int) async throws -> [RecordedEvent] {
        try await base.readStream(stream, from: version, direction: direction, limit: limit)
    }

    func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [RecordedEvent] {
        try await base.readAll(from: position, limit: limit, filter: filter)
    }

    func currentVersion(of stream: StreamID) async throws -> StreamVersion? {
        try await base.currentVersion(of: stream)
    }

    func headPosition() async throws -> GlobalPosition {
        try await base.headPosition()
    }

    func subscribeToAll(from position: GlobalPosition, filter: EventFilter) -> EventSubscription {
        opened.add(1, ordering: .sequentiallyConsistent)
        return base.subscribeToAll(from: position, filter: filter)
    }

    @discardableResult
    func deleteStream(_ stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        try await base.deleteStream(stream, expecting: expected)
    }

    func truncateStream(_ stream: StreamID, before version: StreamVersion) async throws {
        try await base.truncateStream(stream, before: version)
    }
}
