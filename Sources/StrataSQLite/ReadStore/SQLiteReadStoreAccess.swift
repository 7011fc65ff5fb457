//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Strata

/// Access to a SQLite read store: inside a transaction on the writing connection, or read-only from the pool.
final class SQLiteReadStoreAccess: ReadStoreTransaction {
    let store: SQLiteReadStore
    let writing: Bool

    init(store: SQLiteReadStore, writing: Bool) {
        self.store = store
        self.writing = writing
    }

    var sql: (any SQLExecutor)? { SQLiteSQLExecutor(access: self) }

    /// Runs `body` on the writing connection (inside the open transaction) or a reading one, reporting driver
    /// failures as ReadStoreError.
    ///
    /// Both run on the calling thread. A read is a lookup in a local file whose pages are mostly cached, and a
    /// statement of an open transaction changes pages in memory (the disk waits for COMMIT): work of a few
    /// microseconds, like any other CPU work of a request or a batch, where sending it to GRDB's queue and back
    /// costs several times that in thread switches. Neither waits long for its connection: reads take one of the
    /// store's StatementReaders, or go through GRDB's pool (which may wait, off the calling thread) when all are
    /// in use or the database is busy; the writer is this transaction's alone (``SQLiteReadStore/withTransaction(_:)``
    /// holds its lock). What can wait on the disk or on another process, `BEGIN IMMEDIATE` and `COMMIT`, goes
    /// through transactionStatement(_:) instead.
    func run<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            if writing { return try writeOnCallingThread(body) }
            return try await store.statementReaders.read(body, otherwise: store.pool)
        } catch let error as DatabaseError {
            throw Self.storageError(error, store)
        }
    }

    /// Runs `BEGIN IMMEDIATE`, `COMMIT` or the like on GRDB's writer queue, off the cooperative threads: it may wait
    /// for another process's write lock, or for the disk.
    func transactionStatement(_ sql: String) async throws {
        do {
            try await store.pool.writeWithoutTransaction { db in try db.execute(sql: sql) }
        } catch let error as DatabaseError {
            throw Self.storageError(error, store)
        }
    }

    private static func storageError(_ error: DatabaseError, _ store: SQLiteReadStore) -> ReadStoreError {
        ReadStoreError(.storage, "SQLite read store at \(store.path) failed: \(error.message ?? "\(error.resultCode)")", underlying: error)
    }

    private func writeOnCallingThread<T>(_ body: (Database) throws -> T) throws -> T {
        try store.pool.writeWithoutTransaction(body)
    }

    func write(_ body: @escaping @Sendable (Database) throws -> Void) async throws {
        guard writing else { throw ReadStoreError(.unsupported, "a reader cannot write") }
        try await run(body)
    }

    // MARK: Registry

    private static let recordColumns = """
        SELECT name, active_generation, active_version, active_position, active_schema_version,
               rebuild_generation, rebuild_version, rebuild_position, rebuild_schema_version,
               report_state, report_error, report_node, reported_at
        FROM strata_projections
        """

    private static func record(from row: Row) -> ProjectionRecord {
        var record = ProjectionRecord(
            name: row[0],
            active: ProjectionGeneration(
                number: row[1],
                version: row[2],
                position: GlobalPosition(UInt64(clamping: row[3] as Int64)),
                schemaVersion: row[4]
            )
        )
        if let number: Int = row[5] {
            record.rebuilding = ProjectionGeneration(
                number: number,
                version: row[6],
                position: GlobalPosition(UInt64(clamping: row[7] as Int64)),
                schemaVersion: row[8]
            )
        }
        if let state: String = row[9], let node: String = row[11], let reportedAt: Double = row[12] {
            // A state this code does not know was written by newer code; it reads as stopped rather than failing.
            record.report = ProjectionReport(
                state: ProjectionState(state) ?? .stopped,
                lastError: row[10],
                node: node,
                reportedAt: Date(timeIntervalSince1970: reportedAt)
            )
        }
        return record
    }

    func projectionRecord(named name: String) async throws -> ProjectionRecord? {
        try await run { db in
            try Row.fetchOne(db.cachedStatement(sql: "\(Self.recordColumns) WHERE name = ?"), arguments: [name]).map(Self.record(from:))
        }
    }

    func projectionRecords() async throws -> [ProjectionRecord] {
        try await run { db in try Row.fetchAll(db, sql: "\(Self.recordColumns) ORDER BY name").map(Self.record(from:)) }
    }

    func saveProjectionRecord(_ record: ProjectionRecord) async throws {
        try await write { db in
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO strata_projections
                    (name, active_generation, active_version, active_position, active_schema_version,
                     rebuild_generation, rebuild_version, rebuild_position, rebuild_schema_version, updated_at,
                     report_state, report_error, report_node, reported_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: [
                    record.name, record.active.number, record.active.version, Int64(clamping: record.active.position.value),
                    record.active.schemaVersion, record.rebuilding?.number, record.rebuilding?.version,
                    record.rebuilding.map { Int64(clamping: $0.position.value) }, record.rebuilding?.schemaVersion,
                    Date().timeIntervalSince1970, record.report?.state.description, record.report?.lastError, record.report?.node,
                    record.report?.reportedAt.timeIntervalSince1970,
                ]
            )
        }
    }

    func deleteProjectionRecord(named name: String) async throws {
        try await write { db in try db.execute(sql: "DELETE FROM strata_projections WHERE name = ?", arguments: [name]) }
    }

    // MARK: Parked events

    private static let parkedColumns = """
        SELECT projection, generation, position, stream_id, stream_version, event_id, event_type, data, metadata,
               recorded_at, error, attempts, parked_at, schema_version
        FROM strata_parked_events
        """

    private static func parked(from row: Row) throws -> ParkedEvent {
        let metadata: EventMetadata
        if let json: Data = row[8] {
            metadata = try JSONDecoder().decode(EventMetadata.self, from: json)
        } else {
            metadata = EventMetadata()
        }
        guard let id = UUID(canonical: row[5]) else {
            throw ReadStoreError(.corruptData, "parked event at position \(row[2] as Int64) has an invalid event id")
        }
        let event = RecordedEvent(
            id: id,
            stream: try StreamID(row[3] as String),
            version: StreamVersion(UInt64(clamping: row[4] as Int64)),
            position: GlobalPosition(UInt64(clamping: row[2] as Int64)),
            type: row[6],
            data: row[7],
            metadata: metadata,
            recordedAt: Date(timeIntervalSince1970: row[9]),
            schemaVersion: row[13]
        )
        return ParkedEvent(
            projection: row[0],
            generation: row[1],
            event: event,
            error: row[10],
            attempts: row[11],
            parkedAt: Date(timeIntervalSince1970: row[12])
        )
    }

    func parkedEvents(projection: String, generation: Int) async throws -> [ParkedEvent] {
        try await run { db in
            try Row.fetchAll(
                db,
                sql: "\(Self.parkedColumns) WHERE projection = ? AND generation = ? ORDER BY position",
                arguments: [projection, generation]
            ).map(Self.parked(from:))
        }
    }

    func parkedEvent(projection: String, generation: Int, position: GlobalPosition) async throws -> ParkedEvent? {
        try await run { db in
            try Row.fetchOne(
                db,
                sql: "\(Self.parkedColumns) WHERE projection = ? AND generation = ? AND position = ?",
                arguments: [projection, generation, Int64(clamping: position.value)]
            ).map(Self.parked(from:))
        }
    }

    func parkedStreams(projection: String, generation: Int) async throws -> Set<StreamID> {
        let streams = try await run { db in
            try String.fetchAll(
                db,
                sql: "SELECT DISTINCT stream_id FROM strata_parked_events WHERE projection = ? AND generation = ?",
                arguments: [projection, generation]
            )
        }
        return Set(try streams.map { try StreamID($0) })
    }

    func parkedCount(projection: String, generation: Int) async throws -> Int {
        try await run { db in
            try Int.fetchOne(
                db,
                sql: "SELECT COUNT(*) FROM strata_parked_events WHERE projection = ? AND generation = ?",
                arguments: [projection, generation]
            ) ?? 0
        }
    }

    func park(_ parked: ParkedEvent) async throws {
        let metadata = parked.event.metadata.isEmpty ? nil : try JSONEncoder().encode(parked.event.metadata)
        try await write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO strata_parked_events
                    (projection, generation, position, stream_id, stream_version, event_id, event_type, data, metadata,
                     recorded_at, error, attempts, parked_at, schema_version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    parked.projection, parked.generation, Int64(clamping: parked.event.position.value), parked.event.stream.rawValue,
                    Int64(clamping: parked.event.version.value), parked.event.id.uuidString, parked.event.type, parked.event.data, metadata,
                    parked.event.recordedAt.timeIntervalSince1970, parked.error, parked.attempts, parked.parkedAt.timeIntervalSince1970,
                    parked.event.schemaVersion,
                ]
            )
        }
    }

    func removeParkedEvent(projection: String, generation: Int, position: GlobalPosition) async throws {
        try await write { db in
            try db.execute(
                sql: "DELETE FROM strata_parked_events WHERE projection = ? AND generation = ? AND position = ?",
                arguments: [projection, generation, Int64(clamping: position.value)]
            )
        }
    }

    func removeParkedEvents(projection: String, generation: Int) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM strata_parked_events WHERE projection = ? AND generation = ?", arguments: [projection, generation])
        }
    }
}

/// Raw SQL through a read-store access: inside the batch's transaction, or read-only.
struct SQLiteSQLExecutor: SQLExecutor {
    let access: SQLiteReadStoreAccess

    var dialect: SQLDialect { .sqlite }

    func execute(_ sql: String, _ arguments: [SQLValue]) async throws {
        let values = StatementArguments(arguments.map(\.databaseValue))
        try await access.write { db in try db.execute(sql: sql, arguments: values) }
    }

    func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
        let values = StatementArguments(arguments.map(\.databaseValue))
        return try await access.run { db in
            try Row.fetchAll(db, sql: sql, arguments: values).map { row in
                SQLRow(columns: Array(row.columnNames), values: row.databaseValues.map(SQLValue.init(databaseValue:)))
            }
        }
    }
}

extension SQLValue {
    /// The value as GRDB binds it.
    var databaseValue: DatabaseValue {
        if isNull { return .null }
        if let string { return string.databaseValue }
        if let data { return data.databaseValue }
        if let int64 { return int64.databaseValue }
        return (double ?? 0).databaseValue
    }

    /// A value GRDB read.
    init(databaseValue: DatabaseValue) {
        switch databaseValue.storage {
        case .null: self = .null
        case .int64(let value): self = .integer(value)
        case .double(let value): self = .real(value)
        case .string(let value): self = .text(value)
        case .blob(let value): self = .blob(value)
        }
    }
}

extension SQLDialect {
    /// SQLite: `?` placeholders, bound in order.
    public static let sqlite = SQLDialect(name: "sqlite", placeholders: .questionMark)
}
