//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata

extension PostgresEventStore {
    var selectColumns: String {
        """
        SELECT position, stream_id, stream_version, event_id, event_type, data, correlation_id, causation_id, metadata, recorded_at,
            schema_version
        FROM \(schema.quoted).strata_events
        """
    }

    public func readStream(
        _ stream: StreamID,
        from version: StreamVersion,
        direction: ReadDirection,
        limit: Int
    ) async throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        let from = Int64(clamping: version.value)
        // Truncation and deletion hide the versions before `truncate_before`. The lookup is one primary-key probe,
        // evaluated once per query; a stream with no lifecycle row shows everything.
        let visibleFrom = """
            coalesce((SELECT s.truncate_before FROM \(schema.quoted).strata_streams s WHERE s.stream_id = $1), 0)
            """
        let sql =
            direction == .forwards
            ? "\(selectColumns) WHERE stream_id = $1 AND stream_version >= greatest($2, \(visibleFrom)) ORDER BY stream_version ASC LIMIT $3"
            : "\(selectColumns) WHERE stream_id = $1 AND stream_version <= $2 AND stream_version >= \(visibleFrom) ORDER BY stream_version DESC LIMIT $3"
        var bindings = PostgresBindings()
        bindings.append(stream.rawValue)
        bindings.append(from)
        bindings.append(limit)
        return try await fetchEvents(PostgresQuery(unsafeSQL: sql, binds: bindings))
    }

    public func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        var bindings = PostgresBindings()
        var conditions = ["position >= $1"]
        bindings.append(Int64(clamping: position.value))
        if let category = filter.category {
            bindings.append(category)
            conditions.append("category = $\(bindings.count)")
        }
        if let types = filter.eventTypes {
            guard !types.isEmpty else { return [] }
            bindings.append(types.sorted())
            conditions.append("event_type = ANY($\(bindings.count))")
        }
        bindings.append(limit)
        let sql = "\(selectColumns) WHERE \(conditions.joined(separator: " AND ")) ORDER BY position ASC LIMIT $\(bindings.count)"
        // A read filtered by type is planned on every call. Which index serves it depends on the types (a rare one is
        // found through the type index, common ones by walking positions), and the generic plan of a prepared
        // statement, made for a list of any types, walks positions: for types that never came, every position after
        // the reader's, milliseconds a read on a log of thousands of events. A read by category keeps its prepared
        // statement: planned per call on a log whose statistics are not yet gathered (one just imported), it sorted
        // every event of the category after the position instead of walking the category's index.
        return try await fetchEvents(PostgresQuery(unsafeSQL: sql, binds: bindings), prepared: filter.eventTypes == nil)
    }

    public func currentVersion(of stream: StreamID) async throws -> StreamVersion? {
        // A deleted stream has no current version, though its events (and its deletion event) remain.
        let query: PostgresQuery = """
            SELECT max(stream_version) FROM \(unescaped: schema.quoted).strata_events
            WHERE stream_id = \(stream.rawValue)
              AND NOT EXISTS (SELECT 1 FROM \(unescaped: schema.quoted).strata_streams s WHERE s.stream_id = \(stream.rawValue) AND s.deleted)
            """
        return try await withConnection("read the stream version") { [logger] connection in
            let rows = try await connection.query(query, logger: logger)
            // Read to the end, so that the connection goes back to the pool with nothing left to drain.
            var latest: StreamVersion?
            for try await version in rows.decode(Int64?.self) {
                latest = version.map { StreamVersion(UInt64(clamping: $0)) }
            }
            return latest
        }
    }

    public func headPosition() async throws -> GlobalPosition {
        let query: PostgresQuery = "SELECT position FROM \(unescaped: schema.quoted).strata_head"
        return try await withConnection("read the head position") { [logger] connection in
            let rows = try await connection.query(query, logger: logger)
            var head = GlobalPosition.start
            for try await position in rows.decode(Int64.self) {
                head = GlobalPosition(UInt64(clamping: position))
            }
            return head
        }
    }

    /// Loading a stream is half of every command, and subscriptions read pages all the time: their statements
    /// are prepared once per connection, unless `prepared` is false (see readAll).
    func fetchEvents(_ query: PostgresQuery, prepared: Bool = true) async throws -> [RecordedEvent] {
        try await withConnection("read events") { [logger] connection in
            guard prepared else {
                var events: [RecordedEvent] = []
                for try await row in try await connection.query(query, logger: logger) {
                    events.append(try Self.recordedEvent(from: row))
                }
                return events
            }
            return try await connection.queryPrepared(query, logger: logger).map(Self.recordedEvent(from:))
        }
    }

    /// Decodes one row of `selectColumns`; a row that does not decode is reported with its position.
    static func recordedEvent(from row: PostgresRow) throws -> RecordedEvent {
        // Cell by cell: decoding the row as one 11-element tuple instantiates generic metadata for the tuple on
        // every row, which cost more than the rest of reading an event.
        var cells = row.makeIterator()
        func next<Value: PostgresDecodable>(_ type: Value.Type) throws -> Value {
            guard let cell = cells.next() else { throw EventStoreError(.storage, "an event row has fewer columns than selected") }
            return try cell.decode(Value.self)
        }
        let position = try next(Int64.self)
        let streamText = try next(String.self)
        let version = try next(Int64.self)
        let id = try next(UUID.self)
        let type = try next(String.self)
        let data = try next(ByteBuffer.self)
        let correlation = try next(String?.self)
        let causation = try next(String?.self)
        let metadata = try next(ByteBuffer?.self)
        let recordedAt = try next(Date.self)
        let schemaVersion = try next(Int32.self)
        let stream: StreamID
        do {
            stream = try StreamID(streamText)
        } catch {
            throw EventStoreError(.corruptEvent, "the event at position \(position) has a malformed stream id", underlying: error)
        }
        var custom: [String: String] = [:]
        if let metadata {
            do {
                custom = try JSONDecoder().decode([String: String].self, from: Data(metadata.readableBytesView))
            } catch {
                throw EventStoreError(.corruptEvent, "the event at position \(position) has malformed metadata", underlying: error)
            }
        }
        return RecordedEvent(
            id: id,
            stream: stream,
            version: StreamVersion(UInt64(clamping: version)),
            position: GlobalPosition(UInt64(clamping: position)),
            type: type,
            data: Data(data.readableBytesView),
            metadata: EventMetadata(correlationID: correlation, causationID: causation, custom: custom),
            recordedAt: recordedAt,
            schemaVersion: Int(schemaVersion)
        )
    }

    /// Runs `operation` on a pooled connection (see Configuration/connectionWaitLimit), reporting driver failures
    /// as EventStoreError.
    func withConnection<Value: Sendable>(
        _ what: String,
        _ operation: @escaping @Sendable (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        try await translatingErrors(what) {
            try await client.withConnection(waitingAtMost: configuration.connectionWaitLimit, operation)
        }
    }

    /// Runs a database access, reporting driver failures as EventStoreError.
    func translatingErrors<T>(_ what: String, _ access: () async throws -> T) async throws -> T {
        do {
            return try await access()
        } catch let error as EventStoreError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw PostgresErrors.translate(error, what)
        }
    }
}
