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
import StrataPostgres
import StrataTestSupport
import Synchronization
import Testing

/// Group commit's appends notify other processes only while one listens: a notification that goes missing leaves
/// another node's subscriptions a poll interval behind, one sent to nobody costs every append a tenth of its time.
@Suite("PostgreSQL listeners", .timeLimit(.minutes(5)), .enabled(if: TestPostgres.isAvailable))
struct PostgresListenerTests {
    private let logger = Logger(label: "strata.test")

    @Test("a store notifies its appends only once a listener other than its own is registered")
    func notifiesOtherListenersOnly() async throws {
        let schema = uniqueSchema()
        let store = try await TestPostgres.makeStore(schema: schema)
        try await withRunning(store) {
            try await eventually("the store's own listener registers") { try await registrations(in: schema) == 1 }
            try await TestPostgres.client.withConnection { connection in
                // Listening, but not registered: the store knows of no other listener.
                try await connection.listen(on: "strata_events_\(schema)") { notifications in
                    let received = Received()
                    let watcher = Task {
                        for try await notification in notifications { received.add(notification.payload) }
                    }
                    defer { watcher.cancel() }

                    let alone = try await store.append([event()], to: "order-1", expecting: .noStream)
                    // The marker goes through strata_append, which notifies whoever listens, registered or not:
                    // once it arrives, a notification of the earlier append would have arrived before it.
                    let marker = try await store.deleteStream("order-1", expecting: .exactly(alone.streamVersion))
                    try await eventually("the deletion's notification") { received.payloads.contains("\(marker.position.value)") }
                    #expect(!received.payloads.contains("\(alone.position.value)"), "an append with no other listener notified")

                    let query = PostgresQuery(unsafeSQL: "SELECT \"\(schema)\".strata_register_listener()")
                    _ = try await connection.query(query, logger: logger).collect()
                    let heard = try await store.append([event()], to: "order-2", expecting: .noStream)
                    try await eventually("the append's notification") { received.payloads.contains("\(heard.position.value)") }
                }
            }
        }
        try await TestPostgres.dropSchema(schema)
    }

    @Test("a store that stops listening removes its registration")
    func stoppingUnregisters() async throws {
        let schema = uniqueSchema()
        let store = try await TestPostgres.makeStore(schema: schema)
        try await withRunning(store) {
            try await eventually("the store's listener registers") { try await registrations(in: schema) == 1 }
        }
        try await eventually("the registration to go") { try await registrations(in: schema) == 0 }
        try await TestPostgres.dropSchema(schema)
    }

    @Test("a registration removes the registrations of listeners whose server processes are gone")
    func staleRegistrationsGo() async throws {
        let schema = uniqueSchema()
        _ = try await TestPostgres.makeStore(schema: schema)
        // No server process has id 0x7FFFFFF0: the registration of a process that died without removing it.
        _ = try await TestPostgres.client.query(
            PostgresQuery(unsafeSQL: "INSERT INTO \"\(schema)\".strata_listeners (pid) VALUES (2147483632)"),
            logger: logger
        ).collect()
        try await TestPostgres.client.withConnection { connection in
            let rows = try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT \"\(schema)\".strata_register_listener(), pg_backend_pid()"),
                logger: logger
            )
            for try await (registered, backend) in rows.decode((Int32, Int32).self) {
                #expect(registered == backend)
            }
        }
        let remaining = try await TestPostgres.client.query(
            PostgresQuery(unsafeSQL: "SELECT count(*)::int8 FROM \"\(schema)\".strata_listeners WHERE pid = 2147483632"),
            logger: logger
        )
        for try await count in remaining.decode(Int64.self) { #expect(count == 0) }
        #expect(try await registrations(in: schema) == 1)
        try await TestPostgres.dropSchema(schema)
    }

    private func registrations(in schema: String) async throws -> Int64 {
        let rows = try await TestPostgres.client.query(
            PostgresQuery(unsafeSQL: "SELECT count(*)::int8 FROM \"\(schema)\".strata_listeners"),
            logger: logger
        )
        var count: Int64 = -1
        for try await value in rows.decode(Int64.self) { count = value }
        return count
    }

    private func event() -> NewEvent {
        NewEvent(type: "Tested", data: Data("{}".utf8))
    }

    /// Waits until `condition` holds, failing after twenty seconds.
    private func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        let clock = ContinuousClock()
        let end = clock.now + .seconds(20)
        while try await !condition() {
            guard clock.now < end else {
                Issue.record("timed out waiting for \(what)")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The payloads of the notifications a connection received.
    private final class Received: Sendable {
        private let state = Mutex<[String]>([])

        var payloads: [String] { state.withLock { $0 } }

        func add(_ payload: String) { state.withLock { $0.append(payload) } }
    }
}
