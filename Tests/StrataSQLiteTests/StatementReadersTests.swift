//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Dispatch
import Foundation
import Synchronization
import Testing

@testable import StrataSQLite

@Suite("statement readers", .timeLimit(.minutes(5)))
struct StatementReadersTests {
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
        let deadline = ContinuousClock.now + .seconds(10)
        while !holding.load(ordering: .sequentiallyConsistent) {
            try #require(ContinuousClock.now < deadline, "the holder never took the connection")
            try await Task.sleep(for: .milliseconds(5))
        }

        #expect(try readers.read { _ in 1 } == nil, "no connection is free, and the read does not wait for one")
        #expect(try await readers.read({ _ in 42 }, otherwise: store.pool) == 42, "the pool answers instead")

        release.signal()
        done.wait()
        #expect(try readers.read { _ in 7 } == 7, "the connection is free again")
    }
}
