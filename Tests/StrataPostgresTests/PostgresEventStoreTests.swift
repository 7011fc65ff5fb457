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
import StrataConformance
import StrataPostgres
import StrataTestSupport
import Synchronization
import Testing

private func event(_ n: Int = 0, id: UUID = UUID()) -> NewEvent {
    NewEvent(id: id, type: "Tested", data: Data(#"{"n":\#(n)}"#.utf8))
}

@Suite("PostgreSQL event store", .timeLimit(.minutes(10)), .enabled(if: TestPostgres.isAvailable))
struct PostgresEventStoreTests {
    @Test("migrations apply once, even from several processes at once, and are idempotent")
    func migrations() async throws {
        let schema = uniqueSchema()
        let stores = try (0..<4).map { _ in try PostgresEventStore(client: TestPostgres.client, configuration: .init(schema: schema)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores { group.addTask { try await store.migrate() } }
            try await group.waitForAll()
        }
        try await stores[0].migrate()
        let rows = try await TestPostgres.client.query(
            PostgresQuery(unsafeSQL: "SELECT count(*)::int8, max(version)::int8 FROM \"\(schema)\".strata_migrations")
        )
        for try await (count, latest) in rows.decode((Int64, Int64).self) {
            #expect(count == 11)
            #expect(latest == 11)
        }
        #expect(try await stores[1].append([event()], to: "order-1", expecting: .noStream).position == 1)
        try await TestPostgres.dropSchema(schema)
    }

    @Test("an invalid schema name is rejected before any SQL runs")
    func invalidSchema() {
        for name in ["", "Upper", "has-dash", "semi;colon", "1starts_with_digit"] {
            let error = #expect(throws: EventStoreError.self) {
                try PostgresEventStore(client: TestPostgres.client, configuration: .init(schema: name))
            }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test("two stores on one schema (as two processes) wake each other's subscriptions by notification")
    func notifications() async throws {
        let schema = uniqueSchema()
        let writer = try await TestPostgres.makeStore(schema: schema)
        // An hour between polls: only a notification can deliver the events in time.
        let reader = try await TestPostgres.makeStore(schema: schema) { $0.pollInterval = .seconds(3600) }
        let received = try await withRunning(reader) {
            try await withThrowingTaskGroup(of: Int.self) { group in
                let (markerSeen, marked) = AsyncStream.makeStream(of: Void.self)
                group.addTask {
                    var count = 0
                    for try await event in reader.subscribeToAll(from: .start) {
                        if event.stream.category == "marker" {
                            marked.yield()
                            continue
                        }
                        count += 1
                        if count == 3 { return count }
                    }
                    return count
                }
                group.addTask {
                    // Once the subscriber has the marker it has caught up and waits: the events after it can come
                    // only by notification, not from a catch-up read that started late.
                    _ = try await writer.append([event(100)], to: StreamID(category: "marker", id: "0"), expecting: .noStream)
                    for await _ in markerSeen { break }
                    for n in 0..<3 {
                        _ = try await writer.append([event(n)], to: StreamID(category: "order", id: "\(n)"), expecting: .noStream)
                        // Apart in time, so that each arrives by its own notification rather than all in one read.
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    try await waitUntilCancelled()
                    return -1
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(20))  // the test's deadline
                    return -1
                }
                let first = try await group.next()
                group.cancelAll()
                return first
            }
        }
        #expect(received == 3)
        try await TestPostgres.dropSchema(schema)
    }

    @Test("an append held open by another transaction stalls appends, not readers; the diagnostic names it")
    func heldTransaction() async throws {
        let capture = LogRecorder()
        let store = try await TestPostgres.makeStore {
            $0.stallWarningAfter = .milliseconds(300)
            $0.logger = capture.logger
        }
        let schema = store.configuration.schema
        _ = try await store.append([event(0)], to: "order-0", expecting: .noStream)
        let heldID = UUID()
        let waiting = try await TestPostgres.client.withConnection { connection in
            try await inRawTransaction(connection) {
                try await rawAppend(connection, schema: schema, stream: "held-1", ids: [heldID])
                let pidRows = try await connection.query("SELECT pg_backend_pid()", logger: Logger(label: "test"))
                var heldPID: Int32 = 0
                for try await pid in pidRows.decode(Int32.self) { heldPID = pid }

                // Another append waits for the held transaction...
                let waiting = Task { try await store.append([event(1)], to: "order-1", expecting: .noStream) }
                let blockers = try await eventually("a blocker of the waiting append", within: .seconds(30), every: .milliseconds(50)) {
                    let blockers = try await store.appendBlockers()
                    return blockers.isEmpty ? nil : blockers
                }
                #expect(blockers.map(\.pid) == [Int(heldPID)])
                #expect(blockers.first?.state == "idle in transaction")
                #expect(blockers.first?.waitingAppends == 1)
                // ...and after the stall threshold the store says so in its log, naming the blocker. (The warning repeats
                // every threshold; on a loaded machine the first may come before the append reaches the lock.)
                let blocker = "pid \(heldPID)"
                _ = try await eventually("the stall warning naming the blocker", within: .seconds(30), every: .milliseconds(50)) {
                    capture.entries(atLeast: .warning).first {
                        $0.message.contains("waiting for another transaction")
                            && "\($0.metadata["strata.blockers"] ?? "")".contains(blocker)
                    }
                }
                // Readers are not held back: the committed event reads at once.
                #expect(try await store.readAll(from: .start, limit: 10).count == 1)

                return waiting
            }
        }
        let appended = try await waiting.value
        #expect(appended.position == 3, "the waiting append comes after the held one")
        let log = try await store.readAll(from: .start, limit: 10)
        #expect(log.map(\.position) == [1, 2, 3])
        #expect(log[1].id == heldID)
        #expect(try await store.appendBlockers().isEmpty)
        try await TestPostgres.dropSchema(schema)
    }

    @Test("a store that cannot reach its server reports unavailable, not a crash")
    func unreachableServer() async throws {
        var configuration = PostgresEventStore.Configuration()
        configuration.connectionWaitLimit = .seconds(1)
        let store = try PostgresEventStore(
            url: "postgres://strata@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=1&schema=nowhere",
            configuration: configuration
        )
        let error = try await withRunning(store) {
            await #expect(throws: EventStoreError.self) { try await store.append([event()], to: "order-1", expecting: .any) }
        }
        #expect(error?.code == .unavailable, "\(String(reflecting: error?.underlying))")
    }
}
