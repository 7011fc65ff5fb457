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

private func event(_ n: Int, id: UUID = UUID()) -> NewEvent {
    NewEvent(id: id, type: "Tested", data: Data(#"{"n":\#(n)}"#.utf8))
}

/// The ids of events whose transactions committed, and of those rolled back.
private final class Tally: Sendable {
    let committed = Mutex(Set<UUID>())
    let rolledBack = Mutex(Set<UUID>())
}

/// Collects what one subscriber sees.
private final class Seen: Sendable {
    let events = Mutex<[RecordedEvent]>([])
    var count: Int { events.withLock { $0.count } }
}

@Suite("PostgreSQL global order", .timeLimit(.minutes(10)), .enabled(if: TestPostgres.isAvailable))
struct PostgresOrderingTests {
    @Test("under concurrent, slow and rolled-back writers, every subscriber sees exactly the committed events in one order")
    func torture() async throws {
        let store = try await TestPostgres.makeStore { $0.pollInterval = .milliseconds(200) }
        let schema = store.configuration.schema
        let tally = Tally()
        let subscribers = (0..<3).map { _ in Seen() }
        let logger = Logger(label: "strata.test.torture")

        try await withRunning(store) {
            try await withThrowingTaskGroup(of: Void.self) { readers in
                for seen in subscribers {
                    readers.addTask {
                        for try await event in store.subscribeToAll(from: .start) {
                            seen.events.withLock { $0.append(event) }
                        }
                    }
                }
                let deadline = ContinuousClock.now + .seconds(3)
                try await withThrowingTaskGroup(of: Void.self) { writers in
                    for writer in 0..<8 {
                        writers.addTask {
                            var round = 0
                            // At least ten rounds each, however slow the machine, so that every kind of append is exercised.
                            while ContinuousClock.now < deadline || round < 10 {
                                round += 1
                                let stream = "w\(writer)-\(round % 4)"
                                switch round % 10 {
                                case 3, 7:
                                    // Slow to commit: the transaction sleeps after appending, holding later appends back.
                                    let ids = [UUID(), UUID()]
                                    try await TestPostgres.client.withTransaction(logger: logger) { connection in
                                        try await rawAppend(connection, schema: schema, stream: stream, ids: ids)
                                        try await connection.query("SELECT pg_sleep(0.02)", logger: logger)
                                    }
                                    tally.committed.withLock { $0.formUnion(ids) }
                                case 5:
                                    let ids = [UUID()]
                                    try await TestPostgres.client.withConnection { connection in
                                        try await inRawTransaction(connection, commit: false) {
                                            try await rawAppend(connection, schema: schema, stream: stream, ids: ids)
                                        }
                                    }
                                    tally.rolledBack.withLock { $0.formUnion(ids) }
                                default:
                                    let events = (0..<(1 + round % 3)).map { event($0) }
                                    _ = try await store.append(events, to: try StreamID(stream), expecting: .any)
                                    tally.committed.withLock { $0.formUnion(events.map(\.id)) }
                                }
                            }
                        }
                    }
                    try await writers.waitForAll()
                }
                let expected = tally.committed.withLock { $0 }
                try await eventually("every subscriber to see every committed event", within: .seconds(30), every: .milliseconds(50)) {
                    subscribers.allSatisfy { $0.count >= expected.count }
                }
                // A moment more, to catch anything delivered twice or never committed.
                try await Task.sleep(for: .milliseconds(300))
                readers.cancelAll()
            }
        }

        let expected = tally.committed.withLock { $0 }
        let log = try await readEverything(store)
        #expect(Set(log.map(\.id)) == expected, "the log holds exactly the committed events")
        #expect(log.map(\.position.value) == Array(1...UInt64(log.count)), "positions are gap-free")
        #expect(tally.rolledBack.withLock { $0 }.isDisjoint(with: Set(log.map(\.id))))
        for seen in subscribers {
            let events = seen.events.withLock { $0 }
            #expect(events.map(\.id) == log.map(\.id), "each subscriber sees the log once, in its order")
        }
        var versions: [StreamID: UInt64] = [:]
        for event in log {
            #expect(event.version.value == versions[event.stream].map { $0 + 1 } ?? 0, "stream order equals version order")
            versions[event.stream] = event.version.value
        }
        #expect(expected.count > 100, "the writers did real work")
        try await TestPostgres.dropSchema(schema)
    }
}

private func readEverything(_ store: PostgresEventStore) async throws -> [RecordedEvent] {
    var events: [RecordedEvent] = []
    while true {
        let page = try await store.readAll(from: events.last?.position.next ?? .start, limit: 1000)
        events += page
        if page.count < 1000 { return events }
    }
}
