//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// A live subscription to the log: the history from a position, then new events as they commit.
///
/// Iterate it with `for try await`. Each matching event arrives exactly once, in global order. Iteration ends
/// when the iterating task is cancelled, and throws when the store fails (resubscribe from the position after
/// the last event received to resume).
///
/// ```swift
/// for try await event in store.subscribeToAll(from: checkpoint.next, filter: .category("order")) {
///     try await handle(event)
///     checkpoint = event.position
/// }
/// ```
///
/// Backends create subscriptions from a page reader and an ``AppendSignal``.
public struct EventSubscription: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent

    /// Reads up to `limit` events matching `filter` from `position` (inclusive), in global order.
    public typealias PageReader = @Sendable (_ position: GlobalPosition, _ limit: Int, _ filter: EventFilter) async throws -> [RecordedEvent]

    let position: GlobalPosition
    let filter: EventFilter
    let pageSize: Int
    let pollInterval: Duration?
    let signal: AppendSignal
    let readPage: PageReader

    /// Creates a subscription.
    ///
    /// - Parameters:
    ///   - position: The first position to deliver (inclusive).
    ///   - filter: Which events to deliver.
    ///   - pageSize: How many events to read at a time.
    ///   - pollInterval: How often to look for events committed by other processes while idle; `nil` when the
    ///     signal sees every commit.
    ///   - signal: The signal the store raises after each commit.
    ///   - readPage: Reads one page of the log.
    public init(
        from position: GlobalPosition,
        filter: EventFilter,
        pageSize: Int = 512,
        pollInterval: Duration?,
        signal: AppendSignal,
        readPage: @escaping PageReader
    ) {
        self.position = position
        self.filter = filter
        self.pageSize = pageSize
        self.pollInterval = pollInterval
        self.signal = signal
        self.readPage = readPage
    }

    /// The same subscription with every page of events passed through `transform` before delivery: for store
    /// decorators that change how events read, such as ``ProtectedEventStore``.
    public func transformingPages(_ transform: @escaping @Sendable ([RecordedEvent]) async throws -> [RecordedEvent]) -> EventSubscription {
        let readPage = self.readPage
        return EventSubscription(from: position, filter: filter, pageSize: pageSize, pollInterval: pollInterval, signal: signal) {
            position, limit, filter in
            try await transform(try await readPage(position, limit, filter))
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(subscription: self, nextPosition: position)
    }

    /// Delivers the subscription's events one at a time.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let subscription: EventSubscription
        var nextPosition: GlobalPosition
        var buffer: [RecordedEvent] = []
        var index = 0

        /// The next event; waits for one to commit when caught up. `nil` once the task is cancelled.
        public mutating func next() async throws -> RecordedEvent? {
            while !Task.isCancelled {
                if index < buffer.count {
                    let event = buffer[index]
                    index += 1
                    nextPosition = event.position.next
                    return event
                }
                // Taken before reading, so that a commit racing with the read still wakes the wait below.
                let generation = subscription.signal.generation
                do {
                    buffer = try await subscription.readPage(nextPosition, subscription.pageSize, subscription.filter)
                } catch  where Task.isCancelled {
                    // A read interrupted by cancellation (drivers throw CancellationError) ends the sequence quietly.
                    return nil
                }
                index = 0
                if buffer.isEmpty {
                    await subscription.signal.wait(after: generation, timeout: subscription.pollInterval)
                }
            }
            return nil
        }
    }
}
