//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// One stream as an operator sees it: how far it has got and when it last changed.
public struct StreamSummary: Hashable, Sendable {
    public var stream: StreamID
    /// The version of its last event (a deleted stream's is its deletion event).
    public var version: StreamVersion
    /// How many of its events the store holds.
    public var eventCount: Int
    /// The global position of its last event.
    public var lastPosition: GlobalPosition
    /// When its last event was recorded.
    public var lastRecordedAt: Date
    /// Whether the stream is deleted.
    public var isDeleted: Bool

    /// Creates a summary; backends make these in ``StreamCatalog/listStreams(category:after:limit:)``.
    public init(stream: StreamID, version: StreamVersion, eventCount: Int, lastPosition: GlobalPosition, lastRecordedAt: Date, isDeleted: Bool) {
        self.stream = stream
        self.version = version
        self.eventCount = eventCount
        self.lastPosition = lastPosition
        self.lastRecordedAt = lastRecordedAt
        self.isDeleted = isDeleted
    }
}

/// One category as an operator sees it: the streams whose ids start with its name, and when one of them last
/// changed.
public struct CategorySummary: Hashable, Sendable {
    /// The category's name (``StreamID/category``).
    public var name: String
    /// The global position of the category's last event.
    public var lastPosition: GlobalPosition
    /// When the category's last event was recorded.
    public var lastRecordedAt: Date

    /// Creates a summary; backends make these in ``StreamCatalog/listCategories(after:limit:)``.
    public init(name: String, lastPosition: GlobalPosition, lastRecordedAt: Date) {
        self.name = name
        self.lastPosition = lastPosition
        self.lastRecordedAt = lastRecordedAt
    }
}

/// Counts and sizes of an event store.
public struct EventStoreStatistics: Hashable, Sendable {
    /// Events in the log.
    public var eventCount: Int
    /// Streams with at least one event, deleted ones included.
    public var streamCount: Int
    /// The last event's position.
    public var head: GlobalPosition
    /// When the last event was recorded; `nil` for an empty log.
    public var headRecordedAt: Date?
    /// Bytes the store takes on disk, when the backend can tell.
    public var sizeBytes: Int64?

    /// Creates statistics; backends make these in ``StreamCatalog/statistics()``.
    public init(eventCount: Int, streamCount: Int, head: GlobalPosition, headRecordedAt: Date?, sizeBytes: Int64?) {
        self.eventCount = eventCount
        self.streamCount = streamCount
        self.head = head
        self.headRecordedAt = headRecordedAt
        self.sizeBytes = sizeBytes
    }
}

/// What operators ask an event store about its contents: its streams, and its counts and size. Every Strata
/// backend is one; the conformance suite checks them alike.
public protocol StreamCatalog: Sendable {
    /// Up to `limit` streams in stream-id order, after `after` (exclusive), optionally of one category.
    ///
    /// Deleted streams are listed, marked ``StreamSummary/isDeleted``. Page through every stream by passing the last
    /// stream of one page as `after` of the next:
    ///
    /// ```swift
    /// var after: StreamID?
    /// while true {
    ///     let page = try await catalog.listStreams(category: "order", after: after, limit: 1000)
    ///     for summary in page { print(summary.stream, summary.version) }
    ///     guard page.count == 1000 else { break }
    ///     after = page.last?.stream
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - category: Only streams of this category (``StreamID/category``); `nil` for all.
    ///   - prefix: Only streams whose id starts with this text, compared exactly (case and all); `nil` for all.
    ///   - after: The stream the previous page ended with; `nil` to start from the first.
    ///   - limit: The most streams to return.
    func listStreams(category: String?, prefix: String?, after: StreamID?, limit: Int) async throws -> [StreamSummary]

    /// Up to `limit` events recorded with the correlation id `correlationID`, in position order, from `position` on:
    /// everything one request caused, across streams (the command's events, the process managers' reactions and
    /// the commands they sent).
    ///
    /// Every backend answers from an index on the correlation id, so the lookup costs what the events found cost,
    /// not what the log holds. Like ``EventStore/readAll(from:limit:filter:)``, it reads the global log: events of
    /// deleted and truncated streams are found too.
    ///
    /// - Parameters:
    ///   - correlationID: The id that ``EventMetadata/correlationID`` carries.
    ///   - position: The first position to consider; ``GlobalPosition/start`` for the whole log.
    ///   - limit: The most events to return.
    func events(correlatedWith correlationID: String, from position: GlobalPosition, limit: Int) async throws -> [RecordedEvent]

    /// Up to `limit` categories in name order, after `after` (exclusive), each with its last event's position and
    /// time.
    ///
    /// Every backend skips from one category to the next through its category index, so a page costs its own
    /// categories, not the events they hold. Page through them as through ``listStreams(category:prefix:after:limit:)``.
    ///
    /// - Parameters:
    ///   - after: The category the previous page ended with; `nil` to start from the first.
    ///   - limit: The most categories to return.
    func listCategories(after: String?, limit: Int) async throws -> [CategorySummary]

    /// The event whose ``RecordedEvent/id`` is `id`, wherever it is in the log; `nil` when there is none.
    ///
    /// An event's ``EventMetadata/causationID`` names the event (or the command) that caused it: this finds the
    /// event. Every backend answers from the unique index on event ids.
    func event(id: UUID) async throws -> RecordedEvent?

    /// When the log's most recent events were recorded, newest first: the times of those among its last `limit`
    /// events that were recorded at or after `since`.
    ///
    /// Reads at most `limit` rows however long ago they were recorded, so a chart of recent activity costs the
    /// same on any log. When as many times as `limit` come back, older events in the period were not counted.
    ///
    /// - Parameters:
    ///   - since: The earliest recording time to return.
    ///   - limit: The most recent events to look at.
    func recordingTimes(since: Date, amongLast limit: Int) async throws -> [Date]

    /// The store's counts, head and size.
    ///
    /// Counting reads the whole log, so this is for operators (`strata stats`), not for hot paths.
    func statistics() async throws -> EventStoreStatistics
}

extension StreamCatalog {
    /// Up to `limit` streams in stream-id order, after `after` (exclusive), optionally of one category: see
    /// ``listStreams(category:prefix:after:limit:)``.
    public func listStreams(category: String?, after: StreamID?, limit: Int) async throws -> [StreamSummary] {
        try await listStreams(category: category, prefix: nil, after: after, limit: limit)
    }
}
