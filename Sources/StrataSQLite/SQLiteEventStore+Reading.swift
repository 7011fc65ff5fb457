//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Strata

extension SQLiteEventStore {
    static let selectColumns = """
        SELECT position, stream_id, stream_version, event_id, event_type, data, correlation_id, causation_id, metadata, recorded_at,
               schema_version
        FROM strata_events
        """

    public func readStream(
        _ stream: StreamID,
        from version: StreamVersion,
        direction: ReadDirection,
        limit: Int
    ) async throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        // Versions before the stream's truncation point (past its end once deleted) are hidden. The subquery does
        // not depend on the row, so SQLite evaluates it once and still seeks the (stream_id, stream_version) index.
        let visibleFrom = "IFNULL((SELECT truncate_before FROM strata_streams WHERE stream_id = ?1), 0)"
        let sql =
            direction == .forwards
            ? "\(Self.selectColumns) WHERE stream_id = ?1 AND stream_version >= MAX(?2, \(visibleFrom)) ORDER BY stream_version ASC LIMIT ?3"
            : "\(Self.selectColumns) WHERE stream_id = ?1 AND stream_version BETWEEN \(visibleFrom) AND ?2 ORDER BY stream_version DESC LIMIT ?3"
        let arguments: StatementArguments = [stream.rawValue, Int64(clamping: version.value), limit]
        return try await fetchEvents(sql: sql, arguments: arguments)
    }

    public func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        var conditions = ["position >= ?"]
        var arguments: StatementArguments = [Int64(clamping: position.value)]
        if let category = filter.category {
            conditions.append("category = ?")
            _ = arguments.append(contentsOf: [category])
        }
        if let types = filter.eventTypes {
            guard !types.isEmpty else { return [] }
            conditions.append("event_type IN (\(Array(repeating: "?", count: types.count).joined(separator: ",")))")
            _ = arguments.append(contentsOf: StatementArguments(types.sorted()))
        }
        _ = arguments.append(contentsOf: [limit])
        let sql = "\(Self.selectColumns) WHERE \(conditions.joined(separator: " AND ")) ORDER BY position ASC LIMIT ?"
        return try await fetchEvents(sql: sql, arguments: arguments)
    }

    public func currentVersion(of stream: StreamID) async throws -> StreamVersion? {
        let state = try await storageAccess {
            try await readStatement { db in try Self.streamState(of: stream, in: db) }
        }
        return state.deleted ? nil : state.version
    }

    public func headPosition() async throws -> GlobalPosition {
        let head = try await storageAccess {
            try await readStatement { db in try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(position) FROM strata_events")) }
        }
        return GlobalPosition(UInt64(clamping: head ?? 0))
    }

    func fetchEvents(sql: String, arguments: StatementArguments) async throws -> [RecordedEvent] {
        try await storageAccess {
            try await readStatement { db in
                let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
                var events: [RecordedEvent] = []
                while let row = try rows.next() {
                    events.append(try Self.recordedEvent(from: row))
                }
                return events
            }
        }
    }

    /// Runs a read of one statement on the calling thread, on a connection of `statementReaders`.
    ///
    /// Loading an aggregate, reading a page for a subscription or the head are single statements over mostly
    /// cached pages: work like any other CPU work of the caller, where a trip through GRDB's reader queue and
    /// back costs thread switches worth several such reads. When every such connection is in use, or the
    /// database is busy, the read goes through GRDB's pool, which may wait (see StatementReaders).
    func readStatement<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await statementReaders.read(body, otherwise: pool)
    }

    /// Decodes one row of `selectColumns`; a row that does not decode is reported with its position.
    static func recordedEvent(from row: Row) throws -> RecordedEvent {
        let position: Int64 = row[0]
        let streamText: String = row[1]
        let eventIDText: String = row[3]
        guard let eventID = UUID(canonical: eventIDText) else {
            throw EventStoreError(.corruptEvent, "the event at position \(position) has a malformed event id '\(eventIDText)'")
        }
        let stream: StreamID
        do {
            stream = try StreamID(streamText)
        } catch {
            throw EventStoreError(.corruptEvent, "the event at position \(position) has a malformed stream id", underlying: error)
        }
        let custom: [String: String]
        do {
            custom = try MetadataColumn.decode(row[8])
        } catch {
            throw EventStoreError(.corruptEvent, "the event at position \(position) has malformed metadata", underlying: error)
        }
        return RecordedEvent(
            id: eventID,
            stream: stream,
            version: StreamVersion(UInt64(clamping: row[2] as Int64)),
            position: GlobalPosition(UInt64(clamping: position)),
            type: row[4],
            data: row[5],
            metadata: EventMetadata(correlationID: row[6], causationID: row[7], custom: custom),
            recordedAt: Date(timeIntervalSince1970: row[9]),
            schemaVersion: row[10]
        )
    }
}
