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

/// A read store in its own SQLite file, never the events file: read models, the projection registry and
/// parked events.
///
/// It uses a GRDB `DatabasePool` in WAL mode, so queries read committed data beside the projections' writes.
/// A projection batch is one `BEGIN IMMEDIATE` transaction on the writing connection, held across the
/// handler's `await`s; batches of different projections take turns, in request order.
///
/// Read models come in two styles: document collections (JSON by key, with indexed fields stored in their own
/// columns under a real SQL index) and SQL tables a projection creates by migrations and writes with raw SQL.
///
/// ```swift
/// let readStore = try SQLiteReadStore(path: "strata-data/read.sqlite")
/// let runner = ProjectionRunner(store: events, readStore: readStore, projections: [OrderSummaries()])
/// ```
public final class SQLiteReadStore: ReadStore {
    /// The file the read models live in.
    public let path: String
    /// The settings the store was opened with.
    public let configuration: Configuration

    let pool: DatabasePool
    /// Runs the reads of queries on the calling thread (see SQLiteReadStoreAccess/run(_:)).
    let statementReaders: StatementReaders
    /// Keeps transactions from interleaving on the single writing connection.
    let transactionLock = AsyncLock()

    /// Opens (creating when needed) the read store at `path` and brings its schema up to date.
    ///
    /// - Parameters:
    ///   - path: The database file; its folder is created, for its owner only, when missing. Use a different
    ///     file from the event store's.
    ///   - configuration: Durability and connection settings.
    /// - Throws: ReadStoreError with code `storage` when the file cannot be opened or migrated.
    public init(path: String, configuration: Configuration = Configuration()) throws {
        self.path = path
        self.configuration = configuration
        var grdb = GRDB.Configuration()
        grdb.maximumReaderCount = configuration.maximumReaderCount
        grdb.busyMode = .timeout(TimeInterval(configuration.busyTimeout.components.seconds))
        grdb.label = "strata.read"
        PrivateDatabaseFile.overwriteDeletedContent(&grdb)
        // A batch transaction spans several accesses to the writer, with `await`s between them.
        grdb.allowsUnsafeTransactions = true
        do {
            try PrivateDatabaseFile.create(at: path)
            pool = try DatabasePool(path: path, configuration: grdb)
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(configuration.durability.pragmaValue)")
            }
            try Self.migrator.migrate(pool)
            statementReaders = StatementReaders(path: path, configuration: grdb, maximumCount: configuration.maximumReaderCount)
        } catch {
            throw ReadStoreError(.storage, "cannot open the SQLite read store at \(path)", underlying: error)
        }
    }

    /// Closes the database.
    public func close() throws {
        do {
            try statementReaders.close()
            try pool.close()
        } catch {
            throw ReadStoreError(.storage, "cannot close the SQLite read store at \(path)", underlying: error)
        }
    }

    public func withTransaction<T>(_ body: (any ReadStoreTransaction) async throws -> T) async throws -> T {
        try await transactionLock.withLock {
            let access = SQLiteReadStoreAccess(store: self, writing: true)
            try await access.transactionStatement("BEGIN IMMEDIATE")
            do {
                let result = try await body(access)
                try await access.transactionStatement("COMMIT")
                return result
            } catch {
                await rollBack()
                throw error
            }
        }
    }

    public func withReader<T>(_ body: (any ReadStoreReader) async throws -> T) async throws -> T {
        try await body(SQLiteReadStoreAccess(store: self, writing: false))
    }

    /// Rolls back whatever is open. GRDB's callback API is used on purpose: it cannot be cancelled, so even a
    /// cancelled task leaves no transaction behind, and unlike a synchronous write it does not hold a Swift
    /// concurrency thread while it waits for the writer.
    private func rollBack() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            pool.asyncWriteWithoutTransaction { db in
                if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK") }
                continuation.resume()
            }
        }
    }

    /// The durability the writing connection actually uses, read back from SQLite.
    public func effectiveDurability() async throws -> Durability {
        let value = try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
        switch value {
        case 0: return .off
        case 1: return .normal
        case 2: return .full
        default: return Durability(pragmaValue: "UNKNOWN(\(value))")
        }
    }

    /// The journal mode SQLite reports, `wal` for a read store.
    public func journalMode() async throws -> String {
        try await SQLiteReadStoreAccess(store: self, writing: false).run { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }
}

extension SQLiteReadStore {
    /// How durable a commit is; the same levels as the event store's.
    public typealias Durability = SQLiteEventStore.Durability

    /// Settings of a SQLite read store.
    public struct Configuration: Sendable {
        /// How durable each commit is. Default: full, so a committed batch and its checkpoint survive a power cut.
        public var durability: Durability = .full
        /// How many connections may read at once through GRDB's reader queue, and how many more run single
        /// statements on the calling thread.
        public var maximumReaderCount: Int = 4
        /// How long to wait for another process that holds the write lock.
        public var busyTimeout: Duration = .seconds(10)

        public init() {}
    }
}
