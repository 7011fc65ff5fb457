//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Synchronization

/// Keeps recently used aggregates in memory, so that a ``CommandHandler`` decides most commands without reading
/// and folding their streams again.
///
/// ```swift
/// let orders = CommandHandler(store: store, decider: Order(), cache: AggregateCache(capacity: 10_000))
/// ```
///
/// A cached aggregate is only a guess at the stream's current state, which other processes, other handlers and
/// direct appends can move on; the handler never lets the guess decide an outcome on its own:
/// - appends expect the cached version, so a stale entry ends in a version conflict, which the handler answers
///   by loading the stream and deciding again;
/// - a rejection (``DomainError``), a command that changes nothing, and a conditional command's version mismatch
///   are confirmed against the stream's current version first, and decided again from the stream when the
///   entry turns out stale.
///
/// Handlers that share a cache keep each other's entries current; handlers with caches of their own stay correct,
/// at the cost of a conflict and a catch-up whenever the other one has written. When the cache holds `capacity`
/// aggregates, the least recently used tenth is dropped.
public final class AggregateCache<State: Sendable>: Sendable {
    /// The most aggregates kept.
    public let capacity: Int

    private struct Entry {
        var load: AggregateLoad<State>
        var lastUse: UInt64
    }

    private struct Storage {
        var entries: [StreamID: Entry] = [:]
        var clock: UInt64 = 0
    }

    private let storage = Mutex(Storage())

    /// Creates an empty cache.
    ///
    /// - Parameter capacity: The most aggregates kept; at least 1.
    public init(capacity: Int = 10_000) {
        precondition(capacity >= 1, "an aggregate cache holds at least one aggregate")
        self.capacity = capacity
    }

    /// How many aggregates the cache holds.
    public var count: Int { storage.withLock { $0.entries.count } }

    /// The cached state of `stream`, if any.
    public func aggregate(of stream: StreamID) -> AggregateState<State>? {
        cachedLoad(of: stream)?.aggregate
    }

    /// Forgets `stream`, so that the next command on it loads it from the store.
    public func remove(_ stream: StreamID) {
        _ = storage.withLock { $0.entries.removeValue(forKey: stream) }
    }

    /// Forgets every aggregate.
    public func removeAll() {
        storage.withLock { $0.entries.removeAll() }
    }

    func cachedLoad(of stream: StreamID) -> AggregateLoad<State>? {
        storage.withLock { storage in
            guard var entry = storage.entries[stream] else { return nil }
            storage.clock += 1
            entry.lastUse = storage.clock
            storage.entries[stream] = entry
            return entry.load
        }
    }

    /// Keeps `load` for `stream` unless the cache already holds a later version of it, which a concurrent
    /// command stored.
    func keep(_ load: AggregateLoad<State>, for stream: StreamID) {
        storage.withLock { storage in
            if let existing = storage.entries[stream]?.load.aggregate.version, load.aggregate.version.map({ existing > $0 }) ?? true { return }
            storage.clock += 1
            storage.entries[stream] = Entry(load: load, lastUse: storage.clock)
            if storage.entries.count > capacity { Self.evictLeastRecentlyUsed(&storage, keeping: capacity - max(1, capacity / 10)) }
        }
    }

    private static func evictLeastRecentlyUsed(_ storage: inout Storage, keeping count: Int) {
        // Sorting a tenth of the time keeps eviction cheap per insert without a linked list.
        let victims = storage.entries.sorted { $0.value.lastUse < $1.value.lastUse }.prefix(storage.entries.count - count)
        for (stream, _) in victims { storage.entries.removeValue(forKey: stream) }
    }
}
