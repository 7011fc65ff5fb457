//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Logging
import PostgresNIO
import Strata

/// One call of `strata_append` for a list of appends, and what its outcomes mean.
///
/// Every transaction that appends goes through it, whether group commit's, a deletion's or a keyed command's:
/// the function takes the `strata_head` row lock that orders the log.
struct PostgresAppendCall: Sendable {
    /// What `strata_append` reported for one append.
    struct Outcome: Sendable {
        var outcome: Int16
        var actualVersion: Int64?
        var lastVersion: Int64?
        var lastPosition: Int64?

        /// Whether the append was refused because its stream is deleted.
        var streamIsDeleted: Bool { outcome == 4 }
    }

    /// The statement, the same text for every call of its kind, so that each connection prepares it once.
    let sql: String
    let binds: [PostgresData]

    /// Whether the outcomes come as one array of four entries per append rather than one row per append.
    private var outcomesInOneArray = false

    /// Stands for "none" in the outcome array, which cannot hold NULL for postgres-nio: no version or position is
    /// negative that far.
    private static let none = Int64.min

    /// A call of `strata_append_new_events` for `batch`: group commit's first try, which fails as a whole with a
    /// unique violation when some append repeats an event id (see ``isRepeatedEventID(_:)``).
    ///
    /// - Parameter ownListener: The backend id of the store's own listening connection, which the call does not
    ///   notify, or 0.
    init(newEvents batch: [PendingAppend], ownListener: Int32, schema: PostgresSchema) throws {
        var binds: [PostgresData] = []
        try Self.bind(batch, to: &binds)
        binds.append(try PostgresData(encoding: ownListener))
        self.binds = binds
        sql = """
            SELECT \(schema.quoted).strata_append_new_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            """
        outcomesInOneArray = true
    }

    /// A call of `strata_append` for `batch`, which looks every event id up first and reports each append's own
    /// outcome, whatever ids the others repeat.
    init(_ batch: [PendingAppend], schema: PostgresSchema) throws {
        var binds: [PostgresData] = []
        try Self.bind(batch, to: &binds)
        self.binds = binds
        sql = """
            SELECT outcome, actual_version, last_version, last_position
            FROM \(schema.quoted).strata_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            """
    }

    /// Whether `error` is the unique violation by which `strata_append_new_events` refuses a batch that repeats
    /// an event id, stored or within one append.
    static func isRepeatedEventID(_ error: any Error) -> Bool {
        PostgresErrors.sqlState(of: error) == PostgresError.Code.uniqueViolation.raw
            && PostgresErrors.constraintName(of: error) == "strata_events_event_id"
    }

    /// A call of `strata_record_command`: records a keyed command's outcome and makes its append, in one statement.
    ///
    /// The outcome 5 means that another command recorded `record.key` first (and nothing was appended). The
    /// append's own outcomes are those of `strata_append`; the outcome row stays only when the events were
    /// appended (0), with their version and position.
    init(
        recording record: CommandOutcomeRecord, replacingOutcomesBefore cutoffSeconds: Double, appending append: PendingAppend, schema: PostgresSchema
    ) throws {
        var binds = [
            try PostgresData(encoding: record.key),
            try PostgresData(encoding: record.fingerprint),
            try PostgresData(encoding: record.stream.rawValue),
            try PostgresData(encoding: ByteBuffer(bytes: record.outcome)),
            try PostgresData(encoding: record.recordedAt.timeIntervalSinceReferenceDate),
            try PostgresData(encoding: cutoffSeconds),
        ]
        try Self.bind([append], to: &binds)
        self.binds = binds
        sql = """
            SELECT outcome, actual_version, last_version, last_position FROM \(schema.quoted).strata_record_command(
                $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
            """
    }

    /// A call of `strata_append` for a stream's deletion event that also marks the stream deleted when the event is
    /// appended, in one statement, so that the ordering lock is released by the statement's own commit.
    ///
    /// A data-modifying WITH runs whether or not the outer query reads it; the mark reads the append's outcome, so
    /// it runs after the append, and only for an append that succeeded.
    init(deleting request: PendingAppend, schema: PostgresSchema) throws {
        var binds: [PostgresData] = []
        try Self.bind([request], to: &binds)
        binds.append(try PostgresData(encoding: request.stream.rawValue))
        self.binds = binds
        sql = """
                WITH appended AS (
                    SELECT outcome, actual_version, last_version, last_position FROM \(schema.quoted).strata_append(
                        $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                ), marked AS (
                    INSERT INTO \(schema.quoted).strata_streams AS s (stream_id, truncate_before, deleted)
                    SELECT $16, last_version + 1, true FROM appended WHERE outcome = 0
                    ON CONFLICT (stream_id) DO UPDATE SET
                        truncate_before = greatest(s.truncate_before, EXCLUDED.truncate_before), deleted = true
                )
                SELECT outcome, actual_version, last_version, last_position FROM appended
            """
    }

    /// Binds the fifteen arrays `strata_append` and `strata_append_new_events` take for `batch`.
    private static func bind(_ batch: [PendingAppend], to binds: inout [PostgresData]) throws {
        let events = batch.reduce(0) { $0 + $1.events.count }
        let payloadBytes = batch.reduce(0) { total, request in request.events.reduce(total) { $0 + $1.data.count } }
        var streams = PostgresArrayBind(of: .text, as: .textArray, capacity: batch.count * 40)
        var categories = PostgresArrayBind(of: .text, as: .textArray, capacity: batch.count * 20)
        var expectedKinds = PostgresArrayBind(of: .int2, as: .int2Array, capacity: batch.count * 6)
        var expectedVersions = PostgresArrayBind(of: .int8, as: .int8Array, capacity: batch.count * 12)
        // Int32: the columns are `integer`.
        var counts = PostgresArrayBind(of: .int4, as: .int4Array, capacity: batch.count * 8)
        var ids = PostgresArrayBind(of: .uuid, as: .uuidArray, capacity: events * 20)
        var types = PostgresArrayBind(of: .text, as: .textArray, capacity: events * 24)
        var payloads = PostgresArrayBind(of: .bytea, as: .byteaArray, capacity: events * 4 + payloadBytes)
        var schemaVersions = PostgresArrayBind(of: .int4, as: .int4Array, capacity: events * 8)
        var correlations = PostgresArrayBind(of: .text, as: .textArray, capacity: events * 4)
        var hasCorrelation = PostgresArrayBind(of: .bool, as: .boolArray, capacity: events * 5)
        var causations = PostgresArrayBind(of: .text, as: .textArray, capacity: events * 4)
        var hasCausation = PostgresArrayBind(of: .bool, as: .boolArray, capacity: events * 5)
        var metadata = PostgresArrayBind(of: .bytea, as: .byteaArray, capacity: events * 4)
        var hasMetadata = PostgresArrayBind(of: .bool, as: .boolArray, capacity: events * 5)
        for request in batch {
            try streams.append(request.stream.rawValue)
            try categories.append(request.stream.category)
            let (kind, version) = Self.encode(request.expected)
            expectedKinds.append(kind)
            expectedVersions.append(version)
            guard let count = Int32(exactly: request.events.count) else {
                throw EventStoreError(.invalidArgument, "an append of \(request.events.count) events is more than PostgreSQL takes in one call")
            }
            counts.append(count)
            for event in request.events {
                guard let schemaVersion = Int32(exactly: event.schemaVersion) else {
                    throw EventStoreError(.invalidArgument, "schema version \(event.schemaVersion) of event \(event.id) is out of range")
                }
                ids.append(event.id)
                try types.append(event.type)
                try payloads.append(bytes: event.data)
                schemaVersions.append(schemaVersion)
                try correlations.append(event.metadata.correlationID ?? "")
                hasCorrelation.append(event.metadata.correlationID != nil)
                try causations.append(event.metadata.causationID ?? "")
                hasCausation.append(event.metadata.causationID != nil)
                if event.metadata.custom.isEmpty {
                    try metadata.append(bytes: Data())
                    hasMetadata.append(false)
                } else {
                    try metadata.append(bytes: try JSONEncoder().encode(event.metadata.custom))
                    hasMetadata.append(true)
                }
            }
        }
        binds += [
            streams.data(), categories.data(), expectedKinds.data(), expectedVersions.data(), counts.data(), ids.data(),
            types.data(), payloads.data(), schemaVersions.data(), correlations.data(), hasCorrelation.data(),
            causations.data(), hasCausation.data(), metadata.data(), hasMetadata.data(),
        ]
    }

    /// Runs the call on `connection`, prepared there the first time: one outcome per append, in order.
    ///
    /// Prepared, because parsing and planning the call's statement anew cost the server a fifth of a single-event
    /// append's time.
    func run(on connection: PostgresConnection, prepared: PreparedStatements, logger: Logger) async throws -> [Outcome] {
        let rows = try await prepared.rows(sql, binds, on: connection, logger: logger)
        guard outcomesInOneArray else {
            return try rows.map { row in
                let cells = try row.binaryCells(expecting: 4)
                return Outcome(
                    outcome: try cells[0].decode(Int16.self),
                    actualVersion: try cells[1].decode(Int64?.self),
                    lastVersion: try cells[2].decode(Int64?.self),
                    lastPosition: try cells[3].decode(Int64?.self)
                )
            }
        }
        guard rows.count == 1 else {
            throw EventStoreError(.storage, "strata_append_new_events returned \(rows.count) rows")
        }
        let entries = try rows[0].binaryCells(expecting: 1)[0].decode([Int64].self)
        guard entries.count.isMultiple(of: 4) else {
            throw EventStoreError(.storage, "strata_append_new_events returned \(entries.count) entries, not four per append")
        }
        func present(_ value: Int64) -> Int64? { value == Self.none ? nil : value }
        return stride(from: 0, to: entries.count, by: 4).map { start in
            Outcome(
                // An outcome is 0 to 4; anything else reads as a code no append has, which `resolve` refuses.
                outcome: Int16(clamping: entries[start]),
                actualVersion: present(entries[start + 1]),
                lastVersion: present(entries[start + 2]),
                lastPosition: present(entries[start + 3])
            )
        }
    }

    /// Kind 0 any, 1 no stream, 2 stream exists, 3 exactly the version.
    private static func encode(_ expected: ExpectedVersion) -> (Int16, Int64) {
        if let version = expected.exactVersion { return (3, Int64(clamping: version.value)) }
        if expected == .noStream { return (1, -1) }
        if expected == .streamExists { return (2, -1) }
        return (0, -1)
    }

    /// What an outcome means for the append it reports on: its result, or the error its caller gets.
    ///
    /// - Parameter storedEvents: Looks up where the given event ids are stored, for appends that repeat ids.
    static func resolve(
        _ request: PendingAppend,
        _ row: Outcome,
        storedEvents: ([UUID]) async throws -> [IdempotentAppend.StoredEvent]
    ) async throws -> AppendResult {
        switch row.outcome {
        case 0:
            guard let version = row.lastVersion, let position = row.lastPosition else {
                throw EventStoreError(.storage, "strata_append reported an append without its version and position")
            }
            return AppendResult(streamVersion: StreamVersion(UInt64(clamping: version)), position: GlobalPosition(UInt64(clamping: position)))
        case 1:
            if let original = try await resolveRepeatedIDs(of: request, storedEvents) { return original }
            throw WrongExpectedVersion(
                stream: request.stream,
                expected: request.expected,
                actual: row.actualVersion.map { StreamVersion(UInt64(clamping: $0)) }
            )
        case 2:
            guard let original = try await resolveRepeatedIDs(of: request, storedEvents) else {
                throw EventStoreError(.storage, "an event id of the append was reported stored, but is not")
            }
            return original
        case 3:
            throw EventStoreError(.duplicateEventID, "an append must not repeat an event id")
        case 4:
            // `strata_append_new_events` reports a deleted stream before anything is known of the ids: a repeat of
            // an append that succeeded before the deletion still gets its original result.
            if let original = try await resolveRepeatedIDs(of: request, storedEvents) { return original }
            throw EventStoreError(.streamDeleted, "cannot append to stream '\(request.stream)': it is deleted")
        default:
            throw EventStoreError(.storage, "an append was reported with the unknown outcome \(row.outcome)")
        }
    }

    /// The original result when `request` repeats an append that already succeeded; throws when it reuses
    /// event ids any other way; `nil` when none of its ids is stored.
    private static func resolveRepeatedIDs(
        of request: PendingAppend,
        _ storedEvents: ([UUID]) async throws -> [IdempotentAppend.StoredEvent]
    ) async throws -> AppendResult? {
        let stored = try await storedEvents(request.events.map(\.id))
        return try IdempotentAppend.resolve(request.events, to: request.stream, expecting: request.expected, stored: stored)
    }

    /// Where the events with `ids` are stored.
    static func storedEvents(
        _ ids: [UUID],
        schema: PostgresSchema,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [IdempotentAppend.StoredEvent] {
        let query: PostgresQuery = """
            SELECT event_id, stream_id, stream_version, position
            FROM \(unescaped: schema.quoted).strata_events WHERE event_id = ANY(\(ids))
            """
        var stored: [IdempotentAppend.StoredEvent] = []
        for row in try await connection.allRows(query, logger: logger) {
            let (id, stream, version, position) = try row.decode((UUID, String, Int64, Int64).self)
            guard let streamID = try? StreamID(stream) else {
                throw EventStoreError(.corruptEvent, "stored event \(id) has a malformed stream id")
            }
            stored.append(
                IdempotentAppend.StoredEvent(
                    id: id,
                    stream: streamID,
                    version: StreamVersion(UInt64(clamping: version)),
                    position: GlobalPosition(UInt64(clamping: position))
                )
            )
        }
        return stored
    }
}
