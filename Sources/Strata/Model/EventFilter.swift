//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// Which events of the whole log a read or subscription wants: all, one category, some event types, or both.
///
/// ```swift
/// store.subscribeToAll(from: .start, filter: .category("order"))
/// store.readAll(from: .start, limit: 100, filter: .category("order").eventTypes(["OrderPlaced"]))
/// ```
public struct EventFilter: Hashable, Sendable {
    /// The category the stream must be in, or `nil` for any.
    public var category: String?
    /// The event types wanted, or `nil` for any.
    public var eventTypes: Set<String>?

    public init(category: String? = nil, eventTypes: Set<String>? = nil) {
        self.category = category
        self.eventTypes = eventTypes
    }

    /// Every event.
    public static let all = EventFilter()

    /// Events of streams in `category`.
    public static func category(_ category: String) -> EventFilter { EventFilter(category: category) }

    /// Events whose type is one of `types`.
    public static func eventTypes(_ types: Set<String>) -> EventFilter { EventFilter(eventTypes: types) }

    /// This filter, further limited to `types`.
    public func eventTypes(_ types: Set<String>) -> EventFilter { EventFilter(category: category, eventTypes: types) }

    /// Whether the filter lets everything through.
    public var isAll: Bool { category == nil && eventTypes == nil }

    /// Whether `event` passes the filter.
    public func matches(_ event: RecordedEvent) -> Bool {
        if let category, event.stream.category != category { return false }
        if let eventTypes, !eventTypes.contains(event.type) { return false }
        return true
    }
}
