//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Dispatch
import Foundation
import GRDB
import StrataTestSupport
import Synchronization
import Testing

@testable import StrataSQLite

@Suite("reads of single statements on the calling thread", .timeLimit(.minutes(5)))
struct StatementReadersTests {
    /// A database in WAL mode with one row, and its writer.
    private static func database() throws -> (path: String, writer: DatabasePool) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-readers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("db.sqlite").path
        let writer = try DatabasePool(path: path)
        try writer.write { db in
            try db.execute(sql: "CREATE TABLE t (value INTEGER NOT NULL)")
            try db.execute(sql: "INSERT INTO t (value) VALUES (1)")
        }
        return (path, writer)
    }

    /// Runs `body` with readers of a fresh database and its writer, and closes both.
    private static func withReaders(
        maximumCount: Int = 1, _ body: (StatementReaders, DatabasePool) throws -> Void
    ) throws {
        let (path, writer) = try database()
        defer { try? writer.close() }
        let readers = StatementReaders(path: path, configuration: Configuration(), maximumCount: maximumCount)
        defer { try? readers.close() }
        try body(readers, writer)
    }

    @Test("a read answers nil once every connection is in use, and connections are given back")
    func answersNilOnceEveryConnectionIsInUse() throws {
        try Self.withReaders(maximumCount: 2) { readers, _ in
            let nested = try readers.read { outer in
                try readers.read { inner in
                    let third = try readers.read { _ in 3 }
                    return [try Int.fetchOne(outer, sql: "SELECT value FROM t"), try Int.fetchOne(inner, sql: "SELECT value FROM t"), third]
                }
            }
            #expect(nested == [1, 1, nil])
            // The connections were given back: both can be taken again.
            #expect(try readers.read { _ in try readers.read { _ in true } } == true)
        }
    }

    @Test("each read sees what was committed before it")
    func eachReadSeesWhatWasCommittedBeforeIt() throws {
        try Self.withReaders { readers, writer in
            #expect(try readers.read { try Int.fetchOne($0, sql: "SELECT sum(value) FROM t") } == 1)
            try writer.write { try $0.execute(sql: "INSERT INTO t (value) VALUES (41)") }
            #expect(try readers.read { try Int.fetchOne($0, sql: "SELECT sum(value) FROM t") } == 42)
        }
    }

    @Test("the connections cannot write")
    func connectionsCannotWrite() throws {
        try Self.withReaders { readers, writer in
            #expect(throws: DatabaseError.self) {
                try readers.read { try $0.execute(sql: "INSERT INTO t (value) VALUES (2)") }
            }
            let rows = try writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM t") }
            #expect(rows == 1)
        }
    }

    @Test("closed readers refuse to read")
    func closedReadersRefuseToRead() throws {
        let (path, writer) = try Self.database()
        defer { try? writer.close() }
        let readers = StatementReaders(path: path, configuration: Configuration(), maximumCount: 1)
        #expect(try readers.read { _ in true } == true)
        try readers.close()
        let error = #expect(throws: DatabaseError.self) { try readers.read { _ in true } }
        #expect(error?.resultCode == .SQLITE_MISUSE)
    }

    @Test("when every connection is in use, a read answers nil at once, and the async read goes through GRDB's pool")
    func fallback() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-readers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = SQLiteEventStore.Configuration()
        configuration.maximumReaderCount = 1
        let store = try await SQLiteEventStore.open(path: folder.appendingPathComponent("events.sqlite").path, configuration: configuration)
        defer { try? store.close() }
        let readers = store.statementReaders

        // Another thread holds the only connection until released.
        let holding = Atomic<Bool>(false)
        let release = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            _ = try? readers.read { _ in
                holding.store(true, ordering: .sequentiallyConsistent)
                release.wait()
            }
            done.signal()
        }
        try await eventually("the holder to take the connection") { holding.load(ordering: .sequentiallyConsistent) }

        #expect(try readers.read { _ in 1 } == nil, "no connection is free, and the read does not wait for one")
        #expect(try await readers.read({ _ in 42 }, otherwise: store.pool) == 42, "the pool answers instead")

        release.signal()
        done.wait()
        #expect(try readers.read { _ in 7 } == 7, "the connection is free again")
    }
}
