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
final class SubscriptionCountingStore: ForwardingEventStore {
    let base = InMemoryEventStore()
    private let opened = Atomic<Int>(0)

    /// How many subscriptions have been opened so far.
    var subscriptions: Int { opened.load(ordering: .sequentiallyConsistent) }

    /// Waits, for at most 10 s, until more than `count` subscriptions have been opened.
    func waitForSubscriptions(beyond count: Int) async throws {
        try await eventually("a subscription beyond \(count)") { subscriptions > count }
    }

    func subscribeToAll(from position: GlobalPosition, filter: EventFilter) -> EventSubscription {
        opened.add(1, ordering: .sequentiallyConsistent)
        return base.subscribeToAll(from: position, filter: filter)
    }
}
