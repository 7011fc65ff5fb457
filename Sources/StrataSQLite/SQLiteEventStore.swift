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

/// An event store in one SQLite file: Strata's embedded default, with no server to run.
///
/// It uses a GRDB `DatabasePool` in WAL mode, so reads and subscriptions run beside the single writer.
/// Concurrent appends are coalesced into shared transactions (group commit): with the default
/// Durability/full every acknowledged append is on disk, yet 64 concurrent appenders pay for one flush
/// per batch rather than one each. Each append in a batch keeps its own version check and its own outcome.
///
/// Several processes may open the same file: SQLite serialises their writes, and subscriptions notice other
/// processes' appends within Configuration/pollInterval.
///
/// The store is also the SnapshotStore, CommandOutcomeStore, SubjectKeyStore and ProcessManagerStore of its
/// events, with tables in the same file, so a command's outcome commits in the same transaction as its events.
///
/// ```swift
/// let store = try SQLiteEventStore(path: "strata-data/events.sqlite")
/// try await store.append([event], to: "order-1", expecting: .noStream)
/// ```
public final class SQLiteEventStore: EventStore {
    /// The file the events live in.
    public let path: String
    /// The settings the store was opened with.
    public let configuration: Configuration

    let pool: DatabasePool
    /// Read-only connections that only ever run one statement on the calling thread: see readStatement(_:).
    let statementReaders: StatementReaders
    let signal = AppendSignal()
    let commits: SQLiteWriteQueue
    let spans: DatabaseSpans

    /// Opens (creating when needed) the store at `path` and brings its schema up to date.
    ///
    /// - Parameters:
    ///   - path: The database file. Its folder is created, for its owner only, when missing.
    ///   - configuration: Durability, batching and polling settings.
    /// - Throws: EventStoreError with code `storage` when the file cannot be opened or migrated.
    public init(path: String, configuration: Configuration = Configuration()) throws {
        self.path = path
        self.configuration = configuration
        var grdb = GRDB.Configuration()
        grdb.maximumReaderCount = configuration.maximumReaderCount
        grdb.busyMode = .timeout(TimeInterval(configuration.busyTimeout.components.seconds))
        grdb.label = "strata.events"
        PrivateDatabaseFile.overwriteDeletedContent(&grdb)
        do {
            try PrivateDatabaseFile.create(at: path)
            pool = try DatabasePool(path: path, configuration: grdb)
            // GRDB sets synchronous=NORMAL when it turns WAL on, after any prepareDatabase hook; only the
            // writer connection commits, so setting it there afterwards decides durability.
            // The writer keeps its temporary files in memory: a multi-row INSERT keeps the pages it changes in a
            // statement journal (so that a failing row takes back the whole statement), and SQLite otherwise moves
            // that journal into a new file once it passes 64 KiB, creating and deleting a file for about one
            // append in ten.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(configuration.durability.pragmaValue)")
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
            }
            try Self.migrator.migrate(pool)
            statementReaders = StatementReaders(path: path, configuration: grdb, maximumCount: configuration.maximumReaderCount)
        } catch {
            throw EventStoreError(.storage, "cannot open the SQLite event store at \(path)", underlying: error)
        }
        let writer = SQLiteAppendWriter(pool: pool, signal: signal, logger: configuration.logger)
        spans = DatabaseSpans(system: "sqlite", namespace: path)
        commits = SQLiteWriteQueue(writer: writer, maximumBatchSize: configuration.maximumBatchSize, spans: spans)
    }

    /// Closes the database. Later calls throw EventStoreError with code `storage`.
    public func close() throws {
        do {
            try statementReaders.close()
            try pool.close()
        } catch {
            throw EventStoreError(.storage, "cannot close the SQLite event store at \(path)", underlying: error)
        }
    }

    /// The durability the writing connection actually uses, read back from SQLite.
    public func effectiveDurability() async throws -> Durability {
        let value = try await storageAccess {
            try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
        }
        switch value {
        case 0: return .off
        case 1: return .normal
        case 2: return .full
        default: return Durability(pragmaValue: "UNKNOWN(\(value))")
        }
    }

    public func append(_ events: [NewEvent], to stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        guard !events.isEmpty else {
            throw EventStoreError(.invalidArgument, "an append needs at least one event")
        }
        return try await spans.withAppendSpan(to: stream, events: events.count) {
            try await submitAppend(.append(PendingAppend(events: events, stream: stream, expected: expected)))
        }
    }

    /// Runs a write that appends through group commit and returns where its events went.
    func submitAppend(_ write: SQLiteWrite) async throws -> AppendResult {
        switch try await commits.submit(write) {
        case .appended(let result): return result
        case .outcome: preconditionFailure("the writer answered an append with a command outcome")
        }
    }

    public func subscribeToAll(from position: GlobalPosition, filter: EventFilter) -> EventSubscription {
        EventSubscription(from: position, filter: filter, pollInterval: configuration.pollInterval, signal: signal) {
            [self] position, limit, filter in
            try await readAll(from: position, limit: limit, filter: filter)
        }
    }

    /// Runs a database access, reporting driver failures as EventStoreError.
    func storageAccess<T>(_ access: () async throws -> T) async throws -> T {
        do {
            return try await access()
        } catch let error as DatabaseError {
            throw EventStoreError(.storage, "SQLite event store at \(path) failed: \(error.message ?? "\(error.resultCode)")", underlying: error)
        }
    }
}
