//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// An append-only log of events, organised in streams, with a total order over all of them.
///
/// Every backend (in-memory, SQLite, PostgreSQL) keeps these promises, which `StrataConformance` checks:
///
/// - **Atomic appends.** All events of one append(_:to:expecting:) are stored together or not at all. They get
///   consecutive stream versions and ascending global positions.
/// - **Optimistic concurrency.** An append states what it expects of the stream (``ExpectedVersion``); when the
///   stream does not match, nothing is written and ``WrongExpectedVersion`` is thrown. Of several concurrent
///   appends expecting the same version, exactly one succeeds.
/// - **Idempotent retries.** Appending again events whose ids are already stored in that stream, at the same
///   versions, writes nothing and returns the original ``AppendResult``. The same event id anywhere else, or
///   twice in one append, throws ``EventStoreError`` with code ``EventStoreError/Code/duplicateEventID``.
/// - **A trustworthy global order.** Reading the whole log from any position returns committed events in
///   ascending position, and an event committed later is never given a position below one already visible to
///   readers, so a reader that continues from the last position it saw never skips or repeats an event. Within
///   a stream, global order equals version order.
/// - **Live subscriptions.** subscribeToAll(from:filter:) delivers every matching committed event exactly
///   once in global order: first the history, then new events as they commit.
/// - **Stream lifecycle.** deleteStream(_:expecting:) and truncateStream(_:before:) hide events from stream
///   reads, never from the global log: see ``StreamLifecycle``.
///
/// ```swift
/// let store = InMemoryEventStore()
/// let result = try await store.append(
///     [NewEvent(type: "AccountOpened", data: Data(#"{"owner":"Ada"}"#.utf8))],
///     to: "account-1",
///     expecting: .noStream
/// )
/// for try await event in store.subscribeToAll(from: .start) { print(event.position, event.type) }
/// ```
public protocol EventStore: Sendable {
    /// Appends events to the end of a stream, atomically.
    ///
    /// - Parameters:
    ///   - events: The events to append, at least one.
    ///   - stream: The stream to append to; it is created by its first append.
    ///   - expected: What the stream's current version must be.
    /// - Returns: The stream's new version and the global position of the last event appended.
    /// - Throws: ``WrongExpectedVersion`` when the stream does not match `expected`; ``EventStoreError`` with
    ///   ``EventStoreError/Code/duplicateEventID`` when an event id is stored elsewhere or repeated in `events`,
    ///   ``EventStoreError/Code/invalidArgument`` when `events` is empty, ``EventStoreError/Code/storage``
    ///   when the database fails.
    func append(_ events: [NewEvent], to stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult

    /// Reads events of one stream.
    ///
    /// - Parameters:
    ///   - stream: The stream to read.
    ///   - version: The first version to return (inclusive). Reading backwards from ``StreamVersion/max`` starts
    ///     at the last event.
    ///   - direction: Towards newer (`forwards`) or older (`backwards`) events.
    ///   - limit: The most events to return.
    /// - Returns: Up to `limit` events in the order read; empty when the stream does not exist.
    func readStream(
        _ stream: StreamID,
        from version: StreamVersion,
        direction: ReadDirection,
        limit: Int
    ) async throws -> [RecordedEvent]

    /// Reads the whole log, across streams, in ascending global position.
    ///
    /// - Parameters:
    ///   - position: The first position to return (inclusive); ``GlobalPosition/start`` reads from the beginning.
    ///   - limit: The most events to return.
    ///   - filter: Which events to return.
    /// - Returns: Up to `limit` matching events. Fewer than `limit` means the reader has reached the end of
    ///   what was committed when the read began.
    func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [RecordedEvent]

    /// The current version of a stream (the version of its last event), or `nil` when it does not exist.
    func currentVersion(of stream: StreamID) async throws -> StreamVersion?

    /// The position of the last committed event, or ``GlobalPosition/start`` when the log is empty.
    func headPosition() async throws -> GlobalPosition

    /// Subscribes to the whole log, or the part `filter` selects, from a position (inclusive).
    ///
    /// The subscription first delivers the history, then follows new events as they commit, each matching
    /// event exactly once in global order. Appends in this process wake it at once; appends by other processes
    /// are seen within the store's polling interval. It ends when its task is cancelled; apply
    /// `cancelOnGracefulShutdown()` to end it on graceful shutdown.
    func subscribeToAll(from position: GlobalPosition, filter: EventFilter) -> EventSubscription

    /// Soft-deletes a stream: appends a ``StreamLifecycle/deletedEventType`` event to it, after which the stream
    /// reads as gone and refuses appends. Its events, the deletion event included, stay in the global log.
    ///
    /// - Parameters:
    ///   - stream: The stream to delete.
    ///   - expected: What the stream's current version must be, as for an append.
    /// - Returns: Where the deletion event was appended.
    /// - Throws: ``WrongExpectedVersion`` when the stream does not match `expected`; ``EventStoreError`` with code
    ///   ``EventStoreError/Code/streamDeleted`` when it is already deleted.
    @discardableResult
    func deleteStream(_ stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult

    /// Hides a stream's events before `version` from stream reads (they stay in the global log).
    ///
    /// Truncation only ever moves forwards: truncating before an earlier version than before changes nothing.
    ///
    /// - Parameters:
    ///   - stream: The stream to truncate.
    ///   - version: The first version that stays readable; at most the stream's current version plus one.
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/invalidArgument`` when the stream does not exist
    ///   or `version` is past its end, ``EventStoreError/Code/streamDeleted`` when it is deleted.
    func truncateStream(_ stream: StreamID, before version: StreamVersion) async throws
}

extension EventStore {
    /// Reads a whole stream forwards.
    public func readStream(_ stream: StreamID) async throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        var version = StreamVersion.first
        let pageSize = 1000
        while true {
            let page = try await readStream(stream, from: version, direction: .forwards, limit: pageSize)
            events.append(contentsOf: page)
            guard page.count == pageSize, let last = page.last else { return events }
            version = last.version.next
        }
    }

    /// Reads the whole log from `position` with no filter.
    public func readAll(from position: GlobalPosition, limit: Int) async throws -> [RecordedEvent] {
        try await readAll(from: position, limit: limit, filter: .all)
    }

    /// Subscribes to the whole log from `position`.
    public func subscribeToAll(from position: GlobalPosition = .start) -> EventSubscription {
        subscribeToAll(from: position, filter: .all)
    }
}
