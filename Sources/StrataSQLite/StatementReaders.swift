//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import GRDB
import Synchronization

/// Read-only connections that run single statements on the calling thread.
///
/// A key lookup or a page of events over cached pages costs a few microseconds: work like any other CPU work of
/// the caller. Through GRDB's `DatabasePool` the same read also takes the pool's semaphore, barrier queue and
/// schema check, and under load those wake other threads several times a read (a profile of the query route
/// showed more time in the kernel's task switches than in SQLite). Here an idle connection is taken from a list
/// under a lock held for a few instructions, and its queue is never contended, so the statement runs inline.
///
/// A connection is held only while its statement runs, which never suspends: waiting for one would mean waiting
/// for other statements to finish, so instead read(_:) answers `nil` when all are in use and the caller reads
/// another way. Nor does a statement wait for a lock: SQLite's busy handler would sleep on the caller's thread
/// (a cooperative thread, and every task it could run). The connections have no busy timeout; a statement that
/// finds the database busy (a reader during WAL recovery, a checkpoint that resets the log) fails with
/// `SQLITE_BUSY` for the caller to run again elsewhere.
final class StatementReaders: Sendable {
    private struct Connections: ~Copyable {
        var idle: [DatabaseQueue] = []
        var opened = 0
        var closed = false
    }

    private let path: String
    private let configuration: GRDB.Configuration
    private let maximumCount: Int
    private let connections = Mutex(Connections())

    /// - Parameters:
    ///   - path: The database file, which must exist and be in WAL mode.
    ///   - configuration: The store's settings; the connections are made read-only and never wait for a lock.
    ///   - maximumCount: How many connections may be open at once; they are opened when first needed.
    init(path: String, configuration: GRDB.Configuration, maximumCount: Int) {
        var readers = configuration
        readers.readonly = true
        readers.busyMode = .immediateError
        readers.label = (configuration.label ?? "strata") + ".statements"
        self.path = path
        self.configuration = readers
        self.maximumCount = max(1, maximumCount)
    }

    /// Runs `body` on an idle connection on the calling thread, or answers `nil` when every connection is in use.
    ///
    /// - Throws: What `body` throws; DatabaseError `SQLITE_BUSY` when the database is busy, and `SQLITE_MISUSE`
    ///   once the readers are closed.
    func read<T>(_ body: (Database) throws -> T) throws -> T? {
        guard let connection = try take() else { return nil }
        defer { giveBack(connection) }
        return try connection.unsafeRead(body)
    }

    /// Runs `body` on an idle connection on the calling thread; when every connection is in use, or the database
    /// is busy, through `pool`'s reader queue instead, which may wait (off the calling thread).
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T, otherwise pool: DatabasePool) async throws -> T {
        do {
            if let value = try read(body) { return value }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
        }
        return try await pool.read(body)
    }

    /// Closes every idle connection; connections in use close when they are given back.
    func close() throws {
        let idle = connections.withLock { connections in
            connections.closed = true
            defer { connections.idle.removeAll() }
            return connections.idle
        }
        for connection in idle { try connection.close() }
    }

    private enum Taken {
        case connection(DatabaseQueue)
        case open
        case none
    }

    private func take() throws -> DatabaseQueue? {
        let taken: Taken = try connections.withLock { connections in
            if connections.closed { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the database is closed") }
            if let connection = connections.idle.popLast() { return .connection(connection) }
            guard connections.opened < maximumCount else { return .none }
            connections.opened += 1
            return .open
        }
        switch taken {
        case .connection(let connection):
            return connection
        case .none:
            return nil
        case .open:
            do {
                return try DatabaseQueue(path: path, configuration: configuration)
            } catch {
                connections.withLock { $0.opened -= 1 }
                throw error
            }
        }
    }

    private func giveBack(_ connection: DatabaseQueue) {
        let closed = connections.withLock { connections in
            if !connections.closed { connections.idle.append(connection) }
            return connections.closed
        }
        if closed { try? connection.close() }
    }
}
