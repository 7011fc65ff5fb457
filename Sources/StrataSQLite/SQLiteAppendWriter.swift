//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Logging
import Strata

/// One write that group commit runs in a shared transaction: whatever appends events goes through it, so that
/// keyed commands and deletions share flushes with plain appends and take their positions in commit order.
enum SQLiteWrite: Sendable {
    /// An append, as EventStore/append(_:to:expecting:).
    case append(PendingAppend)
    /// A soft deletion: the deletion event and the stream's lifecycle row, as EventStore/deleteStream(_:expecting:).
    case deleteStream(StreamID, expecting: ExpectedVersion)
    /// A command's outcome and its events, as CommandOutcomeStore/recordCommandOutcome(_:appending:replacingOutcomesBefore:).
    case recordOutcome(CommandOutcomeRecord, appending: PendingAppend?, replacingBefore: Date)
}

/// What one SQLiteWrite did.
enum SQLiteWriteResult: Sendable {
    /// Events were appended (or an identical append was found already stored).
    case appended(AppendResult)
    /// A command's outcome was recorded, or found; `appended` says whether events were written with it.
    case outcome(CommandOutcomeRecording, appended: Bool)

    var appendedEvents: Bool {
        switch self {
        case .appended: true
        case .outcome(_, let appended): appended
        }
    }
}

/// Commits batches of writes, each batch in one SQLite transaction.
struct SQLiteAppendWriter: Sendable {
    let pool: DatabasePool
    let signal: AppendSignal
    let logger: Logger

    /// Commits a batch in one transaction, on the writer connection; each write gets its own outcome, and when
    /// the commit itself fails every write fails with it.
    func commit(_ batch: [SQLiteWrite], in db: Database) -> [Result<SQLiteWriteResult, any Error>] {
        do {
            let results = try commitTransaction(batch, in: db)
            if results.contains(where: { (try? $0.get().appendedEvents) == true }) {
                signal.notify()
            }
            return results
        } catch {
            logger.error("group commit failed", metadata: ["strata.batch": "\(batch.count)", "strata.error": "\(error)"])
            let failure = EventStoreError(.storage, "the SQLite commit failed", underlying: error)
            return Array(repeating: .failure(failure), count: batch.count)
        }
    }

    private func commitTransaction(_ batch: [SQLiteWrite], in db: Database) throws -> [Result<SQLiteWriteResult, any Error>] {
        var results: [Result<SQLiteWriteResult, any Error>] = []
        results.reserveCapacity(batch.count)
        // IMMEDIATE takes the write lock up front, so another process cannot write between a version check
        // and its insert. The statements are prepared once: GRDB's inTransaction parses its BEGIN and COMMIT on
        // every call (about 5 % of the CPU samples of the one-worker command benchmark).
        try db.cachedStatement(sql: "BEGIN IMMEDIATE").execute()
        do {
            let recordedAt = Date().timeIntervalSince1970
            for request in batch {
                results.append(Result { try perform(request, recordedAt: recordedAt, in: db) })
            }
            try db.cachedStatement(sql: "COMMIT").execute()
        } catch {
            if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK").execute() }
            throw error
        }
        return results
    }

    private func perform(_ request: SQLiteWrite, recordedAt: Double, in db: Database) throws -> SQLiteWriteResult {
        switch request {
        case .append(let append):
            return .appended(try self.append(append, recordedAt: recordedAt, in: db))
        case .deleteStream(let stream, let expected):
            return .appended(try delete(stream, expecting: expected, recordedAt: recordedAt, in: db))
        case .recordOutcome(let record, let append, let cutoff):
            let recording = try recordOutcome(record, appending: append, replacingBefore: cutoff, recordedAt: recordedAt, in: db)
            let appended = if append != nil, case .recorded = recording { true } else { false }
            return .outcome(recording, appended: appended)
        }
    }

    /// Appends inside the batch's transaction; on failure nothing of this append is left.
    func append(_ request: PendingAppend, recordedAt: Double, in db: Database) throws -> AppendResult {
        guard !request.events.isEmpty else {
            throw EventStoreError(.invalidArgument, "an append needs at least one event")
        }
        try IdempotentAppend.requireDistinctIDs(request.events)
        let state = try SQLiteEventStore.streamState(of: request.stream, in: db)
        if state.deleted {
            // A retry of an append that was stored before the deletion still gets its original result.
            if let original = try resolveRepeatedIDs(of: request, in: db) {
                return original
            }
            throw EventStoreError(.streamDeleted, "cannot append to stream '\(request.stream)': it is deleted")
        }
        guard request.expected.isSatisfied(by: state.version) else {
            if let original = try resolveRepeatedIDs(of: request, in: db) {
                return original
            }
            throw WrongExpectedVersion(stream: request.stream, expected: request.expected, actual: state.version)
        }
        do {
            // One INSERT statement is atomic by itself: when it fails, SQLite takes back the rows it had written,
            // and the rest of the batch is kept. Only an append too large for one statement needs a savepoint.
            if request.events.count <= Self.rowsPerStatement {
                return try insert(request, after: state.version, recordedAt: recordedAt, in: db)
            }
            return try withSavepoint("strata_append", in: db) {
                var version = state.version
                var last: AppendResult?
                for start in stride(from: 0, to: request.events.count, by: Self.rowsPerStatement) {
                    let end = min(start + Self.rowsPerStatement, request.events.count)
                    let part = PendingAppend(events: Array(request.events[start..<end]), stream: request.stream, expected: request.expected)
                    let result = try insert(part, after: version, recordedAt: recordedAt, in: db)
                    version = result.streamVersion
                    last = result
                }
                guard let last else { throw EventStoreError(.invalidArgument, "an append needs at least one event") }
                return last
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            if let original = try resolveRepeatedIDs(of: request, in: db) {
                return original
            }
            throw error
        }
    }

    /// The most events one INSERT writes: 11 values each, well within SQLite's 32,766 bound parameters.
    static let rowsPerStatement = 1000

    /// How many events an INSERT statement kept for reuse may write: appends of up to this many events each get
    /// a statement prepared once per connection; larger ones are prepared for the one use.
    private static let rowsPerCachedStatement = 16

    /// The INSERTs of 1 to rowsPerCachedStatement rows, written once: the text is also the key GRDB finds its
    /// prepared statement by.
    private static let cachedInserts = (0...rowsPerCachedStatement).map(insertSQL(rows:))

    /// An INSERT of `rows` events.
    private static func insertSQL(rows: Int) -> String {
        let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        return """
            INSERT INTO strata_events
                (stream_id, stream_version, event_id, event_type, category, data, correlation_id, causation_id, metadata,
                 recorded_at, schema_version)
            VALUES \(Array(repeating: row, count: rows).joined(separator: ", "))
            """
    }

    /// Runs `body` in a savepoint, so that when it throws its writes are taken back and the rest of the batch
    /// is kept.
    func withSavepoint<T>(_ name: StaticString, in db: Database, _ body: () throws -> T) throws -> T {
        try db.cachedStatement(sql: "SAVEPOINT \(name)").execute()
        do {
            let result = try body()
            try db.cachedStatement(sql: "RELEASE \(name)").execute()
            return result
        } catch {
            try db.cachedStatement(sql: "ROLLBACK TO \(name)").execute()
            try db.cachedStatement(sql: "RELEASE \(name)").execute()
            throw error
        }
    }

    /// Inserts the events of `request` with one statement, numbering their versions after `actual`.
    private func insert(_ request: PendingAppend, after actual: StreamVersion?, recordedAt: Double, in db: Database) throws -> AppendResult {
        let count = request.events.count
        let statement =
            count <= Self.rowsPerCachedStatement
            ? try db.cachedStatement(sql: Self.cachedInserts[count]) : try db.makeStatement(sql: Self.insertSQL(rows: count))
        let stream = request.stream.rawValue
        let category = request.stream.category
        let first = actual.map(\.next) ?? .first
        var version = first
        // One array literal per row: GRDB specializes its literal initializer, while its initializers over any
        // other sequence convert each value through unspecialized generic code or a key path instantiated on
        // every call (together a tenth of the CPU of a ten-event append).
        var arguments = StatementArguments()
        for event in request.events {
            // A stream whose stored versions reach the top of SQLite's integers cannot grow: refused, not trapped on.
            guard let number = Int64(exactly: version.value) else {
                throw EventStoreError(.invalidArgument, "stream '\(request.stream)' has no version left for another event")
            }
            arguments += [
                stream, number, event.id.uuidString, event.type, category, event.data, event.metadata.correlationID,
                event.metadata.causationID, try MetadataColumn.encode(event.metadata.custom), recordedAt, event.schemaVersion,
            ]
            version = version.next
        }
        try statement.execute(arguments: arguments)
        // One statement of one writer: its rows took consecutive positions, the last of which SQLite reports. A
        // position below 1 means rows were written into the file by hand: the rows just written are taken back
        // (the append fails whole) and the failure reported, not trapped on.
        let last = db.lastInsertedRowID
        guard let position = UInt64(exactly: last), position > 0 else {
            try db.execute(sql: "DELETE FROM strata_events WHERE position <= ?1 AND position > ?1 - ?2", arguments: [last, count])
            throw EventStoreError(.corruptEvent, "SQLite gave the appended event position \(last)")
        }
        return AppendResult(streamVersion: StreamVersion(first.value + UInt64(count - 1)), position: GlobalPosition(position))
    }

    /// The original result when `request` repeats an append that already succeeded; throws when it reuses
    /// event ids any other way; `nil` when none of its ids is stored.
    private func resolveRepeatedIDs(of request: PendingAppend, in db: Database) throws -> AppendResult? {
        let placeholders = Array(repeating: "?", count: request.events.count).joined(separator: ",")
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT event_id, stream_id, stream_version, position FROM strata_events WHERE event_id IN (\(placeholders))",
            arguments: StatementArguments(request.events.map(\.id.uuidString))
        )
        let stored = try rows.map { row in
            guard let id = UUID(canonical: row[0]), let stream = try? StreamID(row[1] as String) else {
                throw EventStoreError(.corruptEvent, "stored event \(row[0] as String) has a malformed id or stream")
            }
            return IdempotentAppend.StoredEvent(
                id: id,
                stream: stream,
                version: StreamVersion(UInt64(clamping: row[2] as Int64)),
                position: GlobalPosition(UInt64(clamping: row[3] as Int64))
            )
        }
        return try IdempotentAppend.resolve(request.events, to: request.stream, expecting: request.expected, stored: stored)
    }
}
