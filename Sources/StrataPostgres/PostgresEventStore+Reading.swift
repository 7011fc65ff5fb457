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
    /// The columns of an event, in the order that `recordedEvent(from:)` decodes them.
    static let eventColumns =
        "position, stream_id, stream_version, event_id, event_type, data, correlation_id, causation_id, metadata, recorded_at, schema_version"

    var selectColumns: String {
        "SELECT \(Self.eventColumns) FROM \(schema.quoted).strata_events"
    }

    public func readStream(
        _ stream: StreamID,
        from version: StreamVersion,
        direction: ReadDirection,
        limit: Int
    ) async throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        // Truncation and deletion hide the versions before `truncate_before`; the function looks it up (see
        // PostgresSchema/readStreamFunction).
        let binds = [
            try PostgresData(encoding: stream.rawValue),
            try PostgresData(encoding: Int64(clamping: version.value)),
            try PostgresData(encoding: Int64(limit)),
            try PostgresData(encoding: direction == .backwards),
        ]
        let sql = "SELECT \(Self.eventColumns) FROM \(schema.quoted).strata_read_stream($1, $2, $3, $4)"
        let events = try await fetchPreparedEvents(sql, binds)
        return direction == .backwards
            ? Self.inOrder(events, by: { $0.version > $1.version })
            : Self.inOrder(events, by: { $0.version < $1.version })
    }

    public func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        var bindings = PostgresBindings()
        bindings.append(Int64(clamping: position.value))
        if let category = filter.category, filter.eventTypes == nil {
            // Through a function, whose plan walks the category's index however few events the statistics expect
            // (see PostgresSchema/readCategoryFunction).
            let binds = [
                try PostgresData(encoding: category),
                try PostgresData(encoding: Int64(clamping: position.value)),
                try PostgresData(encoding: Int64(limit)),
            ]
            let sql = "SELECT \(Self.eventColumns) FROM \(schema.quoted).strata_read_category($1, $2, $3)"
            return Self.inOrder(try await fetchPreparedEvents(sql, binds), by: { $0.position < $1.position })
        }
        var conditions = ["position >= $1"]
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
        // Planned on every call: which index serves a read by type depends on the types (a rare one is found through
        // the type index, common ones by walking positions), and a generic plan, made for a list of any types, walks
        // positions: for types that never came, every position after the reader's.
        let sql = "\(selectColumns) WHERE \(conditions.joined(separator: " AND ")) ORDER BY position ASC LIMIT $\(bindings.count)"
        return try await fetchEvents(PostgresQuery(unsafeSQL: sql, binds: bindings))
    }

    public func currentVersion(of stream: StreamID) async throws -> StreamVersion? {
        // A deleted stream has no current version, though its events (and its deletion event) remain. The last
        // version is read from the end of the stream's index: `max` may read the whole stream. Prepared: a command
        // whose aggregate came from the cache checks the version this way.
        let sql = """
            SELECT stream_version FROM \(schema.quoted).strata_events
            WHERE stream_id = $1
              AND NOT EXISTS (SELECT 1 FROM \(schema.quoted).strata_streams s WHERE s.stream_id = $1 AND s.deleted)
            ORDER BY stream_version DESC LIMIT 1
            """
        let versions = try await fetchPrepared(sql, [try PostgresData(encoding: stream.rawValue)], columns: 1, "read the stream version") {
            try $0[0].decode(Int64.self)
        }
        return versions.first.map { StreamVersion(UInt64(clamping: $0)) }
    }

    public func headPosition() async throws -> GlobalPosition {
        let query: PostgresQuery = "SELECT position FROM \(unescaped: schema.quoted).strata_head"
        return try await withConnection("read the head position") { [logger] connection in
            var head = GlobalPosition.start
            for row in try await connection.allRows(query, logger: logger) {
                head = GlobalPosition(UInt64(clamping: try row.decode(Int64.self)))
            }
            return head
        }
    }

    /// `events` in the order of `precedes`, which a read function's rows already have.
    ///
    /// SQL promises no order for the rows of a function unless the query asks for one, and asking costs a sort
    /// that PostgreSQL plans on every call (a tenth of a stream load); PostgreSQL returns them as the function
    /// produced them, in order, so this only checks, and sorts should that ever change.
    static func inOrder(_ events: [RecordedEvent], by precedes: (RecordedEvent, RecordedEvent) -> Bool) -> [RecordedEvent] {
        guard zip(events, events.dropFirst()).contains(where: { !precedes($0, $1) }) else { return events }
        return events.sorted(by: precedes)
    }

    /// Every event row of `query`, which selects `selectColumns`.
    func fetchEvents(_ query: PostgresQuery) async throws -> [RecordedEvent] {
        try await withConnection("read events") { [logger] connection in
            try await connection.allRows(query, logger: logger).map(Self.recordedEvent(from:))
        }
    }

    /// Every event row of `sql`, which selects `eventColumns`, prepared on the connection the first time it runs
    /// there (see PreparedStatements): a stream read planned on every call cost the server half as much again as
    /// the read itself.
    func fetchPreparedEvents(_ sql: String, _ binds: [PostgresData]) async throws -> [RecordedEvent] {
        try await withConnection("read events") { [prepared, logger] connection in
            try await prepared.rows(sql, binds, on: connection, logger: logger).map(Self.recordedEvent(from:))
        }
    }

    /// Decodes one row of `selectColumns`; a row that does not decode is reported with its position.
    static func recordedEvent(from row: PostgresRow) throws -> RecordedEvent {
        // Cell by cell: decoding the row as one 11-element tuple instantiates generic metadata for the tuple on
        // every row, which cost more than the rest of reading an event. Read as binary whatever the row's
        // description says, as the rows of a prepared statement must be (see PreparedStatements); postgres-nio asks
        // for binary results in every statement.
        var cells = row.makeIterator()
        func next<Value: PostgresDecodable>(_ type: Value.Type) throws -> Value {
            guard var cell = cells.next() else { throw EventStoreError(.storage, "an event row has fewer columns than selected") }
            cell.format = .binary
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
