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
import Synchronization

/// Access to a PostgreSQL read store through one leased connection, inside one transaction: a projection
/// batch's (read-write) or a reader's (read-only).
///
/// It is usable only while its transaction is open: the connection goes back to the pool afterwards, so a
/// transaction or reader that escapes its closure fails instead of running on someone else's connection.
final class PostgresReadStoreAccess: ReadStoreTransaction {
    enum Mode: Sendable {
        case transaction
        case reader
    }

    private struct State {
        var open = false
        /// Whether a transaction is open on the server: always for a read-write one; for a reader, only once raw
        /// SQL needs one.
        var inTransaction = false
        /// Whether unqualified names resolve to the read store's schema yet.
        var searchesSchema = false
        /// The projections whose registry lock this transaction holds.
        var lockedProjections: Set<String> = []
        /// The indexes of the collections looked up in this transaction. A collection's indexes never change
        /// while it exists, and this transaction holds the projection's lock, so they stay valid until it ends.
        var collections: [String: [String]] = [:]
    }

    let schema: PostgresReadStoreSchema
    let mode: Mode
    let logger: Logger
    private let connection: PostgresConnection
    private let prepared: PreparedStatements
    private let state = Mutex(State())

    init(schema: PostgresReadStoreSchema, connection: PostgresConnection, mode: Mode, prepared: PreparedStatements, logger: Logger) {
        self.schema = schema
        self.connection = connection
        self.mode = mode
        self.prepared = prepared
        self.logger = logger
    }

    var sql: (any SQLExecutor)? { PostgresSQLExecutor(access: self) }

    // MARK: Transaction

    /// Opens the access: a read-write transaction at once; a reader's statements run on their own.
    ///
    /// The isolation level is explicit so that a server default of `REPEATABLE READ` or `SERIALIZABLE` cannot
    /// change it: a batch must see what the previous holder of its projection's lock committed.
    ///
    /// A reader sends no `BEGIN`: most queries are one statement (a key lookup), and a transaction around it
    /// would triple its round trips. Each statement still sees committed data only, as a statement of the SQLite
    /// read store does; raw SQL, which may span statements, gets a `REPEATABLE READ` transaction (prepareForSQL()).
    func begin() async throws {
        if mode == .transaction {
            try await statement("BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE", "begin a transaction")
            state.withLock { $0.inTransaction = true }
        }
        state.withLock { $0.open = true }
    }

    /// Points unqualified names at the read store's schema, before the first raw SQL statement of the
    /// transaction. (The store's own statements name their tables in full, so they need no round trip for it.)
    ///
    /// Only the read store's schema is searched (`pg_catalog` always is), so a projection's `DROP TABLE` can
    /// never reach a table of the same name elsewhere. `SET LOCAL` ends with the transaction, so the pooled
    /// connection goes back unchanged.
    func prepareForSQL() async throws {
        guard state.withLock({ !$0.searchesSchema }) else { return }
        if !state.withLock({ $0.inTransaction }) {
            try await statement("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "begin a transaction")
            state.withLock { $0.inTransaction = true }
        }
        try await execute(PostgresQuery(unsafeSQL: "SET LOCAL search_path TO \(schema.quoted)"), "set the search path")
        state.withLock { $0.searchesSchema = true }
    }

    func commit() async throws {
        let inTransaction = state.withLock { state in
            state.open = false
            return state.inTransaction
        }
        guard inTransaction else { return }
        try await statement("COMMIT", "commit")
    }

    /// Rolls back; when even that fails, closes the connection so that the pool never lends a connection with a
    /// transaction still open.
    func rollBack() async {
        let inTransaction = state.withLock { state in
            state.open = false
            return state.inTransaction
        }
        guard inTransaction else { return }
        // A closed connection has no transaction left to roll back: the server ended it.
        guard !connection.isClosed else { return }
        do {
            try await statement("ROLLBACK", "roll back")
        } catch {
            logger.warning("rollback failed, closing the connection", metadata: ["strata.error": "\(error)"])
            try? await connection.close()
        }
    }

    /// Waits, when the connection has closed, until its pool has seen it close, before it goes back to the pool.
    ///
    /// The pool learns of a closed connection in a callback; a closed connection handed back before that callback
    /// ran could be lent to the next caller, whose query postgres-nio would never complete. The pool's callback
    /// was registered first, when the connection was made, so it has run once this one has.
    func prepareRelease() async {
        guard connection.isClosed else { return }
        try? await connection.closeFuture.get()
    }

    /// Fails unless this is a read-write transaction.
    func requireWriting() throws {
        guard mode == .transaction else { throw ReadStoreError(.unsupported, "a reader cannot write") }
    }

    // MARK: Statements

    /// Runs `query` and returns its rows, reporting driver failures as ReadStoreError.
    func rows(_ query: PostgresQuery, _ what: @autoclosure () -> String) async throws -> [PostgresRow] {
        try checkOpen()
        try checkConnected(what())
        do {
            return try await ConnectionCloseWatch.shared.run(on: connection) { [logger] connection in
                try await connection.allRows(query, logger: logger)
            }
        } catch {
            throw PostgresErrors.readStoreError(error, what())
        }
    }

    /// Runs `sql`, prepared on this connection the first time it runs there (see ``PreparedStatements``), and
    /// returns its rows, reporting driver failures as ReadStoreError.
    func preparedRows(_ sql: String, _ binds: [PostgresData], _ what: @autoclosure () -> String) async throws -> [PostgresRow] {
        try checkOpen()
        try checkConnected(what())
        do {
            return try await ConnectionCloseWatch.shared.run(on: connection) { [prepared, logger] connection in
                try await prepared.rows(sql, binds, on: connection, logger: logger)
            }
        } catch {
            throw PostgresErrors.readStoreError(error, what())
        }
    }

    /// Runs a statement whose rows, if any, do not matter.
    func execute(_ query: PostgresQuery, _ what: @autoclosure () -> String) async throws {
        _ = try await rows(query, what())
    }

    /// Runs a statement that opens or closes the transaction, so it runs whether or not the transaction is open.
    private func statement(_ query: PostgresQuery, _ what: String) async throws {
        try checkConnected(what)
        do {
            _ = try await ConnectionCloseWatch.shared.run(on: connection) { [logger] connection in
                try await connection.allRows(query, logger: logger)
            }
        } catch {
            throw PostgresErrors.readStoreError(error, what)
        }
    }

    /// Fails at once on a connection that is already closed (the server ended it, or the network dropped it):
    /// postgres-nio never completes a query sent on a closed connection, so sending one would hang for ever.
    private func checkConnected(_ what: @autoclosure () -> String) throws {
        guard connection.isClosed else { return }
        throw ReadStoreError(.unavailable, "PostgreSQL is unavailable, could not \(what()): the connection was closed")
    }

    private func checkOpen() throws {
        guard state.withLock({ $0.open }) else {
            throw ReadStoreError(.unsupported, "this read-store transaction has ended: use it only inside its closure")
        }
    }

    // MARK: Registry

    /// Serialises the transactions of one projection across connections and processes, until this transaction
    /// ends. A statement of its own, before the registry is read: a `READ COMMITTED` statement takes its snapshot
    /// when it starts, so a read in the same statement as the lock could miss what the previous holder committed.
    private func lockProjection(_ name: String) async throws {
        guard mode == .transaction, state.withLock({ !$0.lockedProjections.contains(name) }) else { return }
        let key = "strata-projection:\(schema.name):\(name)"
        try await execute("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))", "lock projection '\(name)'")
        state.withLock { _ = $0.lockedProjections.insert(name) }
    }

    private var recordColumns: String {
        """
        SELECT name, active_generation, active_version, active_position, active_schema_version,
               rebuild_generation, rebuild_version, rebuild_position, rebuild_schema_version,
               report_state, report_error, report_node, reported_at
        FROM \(schema.projections)
        """
    }

    private static func record(from row: PostgresRow) throws -> ProjectionRecord {
        let (
            name, number, version, position, schemaVersion, rebuildNumber, rebuildVersion, rebuildPosition, rebuildSchemaVersion,
            reportState, reportError, reportNode, reportedAt
        ) = try row.decode((String, Int64, Int64, Int64, Int64, Int64?, Int64?, Int64?, Int64?, String?, String?, String?, Date?).self)
        var record = ProjectionRecord(
            name: name,
            active: ProjectionGeneration(
                number: Int(number),
                version: Int(version),
                position: try Self.position(position, of: name),
                schemaVersion: Int(schemaVersion)
            )
        )
        if let rebuildNumber, let rebuildVersion, let rebuildPosition, let rebuildSchemaVersion {
            record.rebuilding = ProjectionGeneration(
                number: Int(rebuildNumber),
                version: Int(rebuildVersion),
                position: try Self.position(rebuildPosition, of: name),
                schemaVersion: Int(rebuildSchemaVersion)
            )
        }
        if let reportState, let reportNode, let reportedAt {
            // A state this code does not know was written by newer code; it reads as stopped rather than failing.
            record.report = ProjectionReport(
                state: ProjectionState(reportState) ?? .stopped,
                lastError: reportError,
                node: reportNode,
                reportedAt: reportedAt
            )
        }
        return record
    }

    static func position(_ value: Int64, of what: String) throws -> GlobalPosition {
        guard value >= 0 else { throw ReadStoreError(.corruptData, "\(what) has a negative position \(value)") }
        return GlobalPosition(UInt64(clamping: value))
    }

    func projectionRecord(named name: String) async throws -> ProjectionRecord? {
        try await lockProjection(name)
        let rows = try await rows("\(unescaped: recordColumns) WHERE name = \(name)", "read the registry entry of '\(name)'")
        return try rows.first.map(Self.record(from:))
    }

    func projectionRecords() async throws -> [ProjectionRecord] {
        try await rows("\(unescaped: recordColumns) ORDER BY name COLLATE \"C\"", "read the registry").map(Self.record(from:))
    }

    func saveProjectionRecord(_ record: ProjectionRecord) async throws {
        try requireWriting()
        try await lockProjection(record.name)
        let rebuilding = record.rebuilding
        try await execute(
            """
            INSERT INTO \(unescaped: schema.projections)
            (name, active_generation, active_version, active_position, active_schema_version,
             rebuild_generation, rebuild_version, rebuild_position, rebuild_schema_version,
             report_state, report_error, report_node, reported_at)
            VALUES (\(record.name), \(Int64(record.active.number)), \(Int64(record.active.version)),
                    \(Int64(clamping: record.active.position.value)), \(Int64(record.active.schemaVersion)),
                    \(rebuilding.map { Int64($0.number) }), \(rebuilding.map { Int64($0.version) }),
                    \(rebuilding.map { Int64(clamping: $0.position.value) }), \(rebuilding.map { Int64($0.schemaVersion) }),
                    \(record.report?.state.description), \(record.report?.lastError), \(record.report?.node),
                    \(record.report?.reportedAt))
            ON CONFLICT (name) DO UPDATE SET
                active_generation = EXCLUDED.active_generation, active_version = EXCLUDED.active_version,
                active_position = EXCLUDED.active_position, active_schema_version = EXCLUDED.active_schema_version,
                rebuild_generation = EXCLUDED.rebuild_generation, rebuild_version = EXCLUDED.rebuild_version,
                rebuild_position = EXCLUDED.rebuild_position, rebuild_schema_version = EXCLUDED.rebuild_schema_version,
                report_state = EXCLUDED.report_state, report_error = EXCLUDED.report_error,
                report_node = EXCLUDED.report_node, reported_at = EXCLUDED.reported_at,
                updated_at = now()
            """,
            "save the registry entry of '\(record.name)'"
        )
    }

    func deleteProjectionRecord(named name: String) async throws {
        try requireWriting()
        try await lockProjection(name)
        try await execute("DELETE FROM \(unescaped: schema.projections) WHERE name = \(name)", "delete the registry entry of '\(name)'")
    }

    // MARK: Collections cache

    func cachedIndexes(of collection: String) -> [String]? {
        state.withLock { $0.collections[collection] }
    }

    func cacheIndexes(_ indexes: [String]?, of collection: String) {
        state.withLock { $0.collections[collection] = indexes }
    }
}
