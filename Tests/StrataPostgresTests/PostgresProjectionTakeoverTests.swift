//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata
import StrataPostgres
import StrataTestSupport
import Testing

/// Counts every event in one document; a lost event makes the count fall short, a repeated one makes it exceed.
private struct EventTally: Projection {
    var name: String { "tally" }
    var schema: ReadModelSchema { ReadModelSchema(collections: [DocumentCollection("counts")]) }

    func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws {
        try await context.documents("counts", as: [String: Int].self).update("all", default: [:]) { counts in
            counts[event.stream.description, default: 0] += 1
        }
    }
}

/// One application process: a client of its own, with the read store and leases on it, and a runner.
private struct Node {
    var name: String
    var runner: ProjectionRunner
    var leases: PostgresProjectionLeases
    var task: Task<Void, any Error>

    static func start(name: String, client: PostgresClient, events: any EventStore, readSchema: String) throws -> Node {
        let readStore = try PostgresReadStore(client: client, configuration: .init(schema: readSchema))
        var leaseConfiguration = PostgresProjectionLeases.Configuration(namespace: readSchema)
        leaseConfiguration.retryInterval = .milliseconds(100)
        leaseConfiguration.checkInterval = .milliseconds(100)
        let leases = PostgresProjectionLeases(client: client, configuration: leaseConfiguration)
        var configuration = ProjectionRunner.Configuration()
        configuration.batchSize = 32
        configuration.leases = leases
        configuration.nodeName = name
        let runner = ProjectionRunner(store: events, readStore: readStore, projections: [EventTally()], configuration: configuration)
        return Node(name: name, runner: runner, leases: leases, task: Task { try await runner.run() })
    }

    func isRunning() async throws -> Bool {
        let state = try await runner.status(of: "tally").state
        return state == .live || state == .catchingUp
    }
}

@Suite("PostgreSQL projections across processes", .timeLimit(.minutes(10)), .enabled(if: TestPostgres.isAvailable))
struct PostgresProjectionTakeoverTests {
    @Test(
        "two processes share a read store: one runs the projection, the other takes over within seconds when the first loses its connection or dies, and every event is applied exactly once"
    )
    func takeover() async throws {
        let events = try await TestPostgres.makeStore { $0.pollInterval = .milliseconds(50) }
        let readSchema = uniqueSchema("r")
        try await TestPostgres.makeReadStore(schema: readSchema, on: TestPostgres.readStoreClient).migrate()
        let streams = (0..<8).map { try! StreamID("account-\($0)") }

        try await withOwnClient { clientA in
            try await withOwnClient { clientB in
                var nodes = [
                    try Node.start(name: "a", client: clientA, events: events, readSchema: readSchema),
                    try Node.start(name: "b", client: clientB, events: events, readSchema: readSchema),
                ]
                defer { for node in nodes { node.task.cancel() } }
                // Appends go on throughout, so that every takeover happens in the middle of the work.
                let appender = Task {
                    for round in 0..<60 {
                        for stream in streams {
                            _ = try await events.append(
                                [NewEvent(type: "Deposited", data: Data("{\"round\":\(round)}".utf8))], to: stream, expecting: .any)
                        }
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }

                /// The node running the projection, once the other one waits in standby. (Right after a takeover both
                /// can read as running for a moment, until the old holder notices its lease is gone.)
                func holder() async throws -> Int? {
                    let running = try await [nodes[0].isRunning(), nodes[1].isRunning()]
                    let waiting = try await [0, 1].asyncMap { try await nodes[$0].runner.status(of: "tally").state == .standby }
                    for index in 0..<2 where running[index] && waiting[1 - index] { return index }
                    return nil
                }
                try await eventually("one node to run the projection", within: .seconds(15), every: .milliseconds(20)) { try await holder() != nil }
                let first = try #require(try await holder())

                // The holder loses its connection: the server ends the backend that holds the lock. The lease
                // passes to whichever node asks first, the old holder included, through a new connection.
                let pid = try #require(try await nodes[first].leases.holder(of: "tally")?.pid)
                _ = try await TestPostgres.client.query("SELECT pg_terminate_backend(\(Int32(pid)))").collect()
                try await eventually("a node to run the projection on a new connection", within: .seconds(10), every: .milliseconds(20)) {
                    let current = try await nodes[first].leases.holder(of: "tally")?.pid
                    guard let current, current != pid else { return false }
                    return try await holder() != nil
                }
                let second = try #require(try await holder())

                // The holder's process dies: the other node, waiting, takes the projection over.
                nodes[second].task.cancel()
                _ = await nodes[second].task.result
                try await eventually("the other node to take over", within: .seconds(10), every: .milliseconds(20)) {
                    try await nodes[1 - second].isRunning()
                }
                let survivor = 1 - second
                // And a node that starts again waits in standby.
                nodes[second] = try Node.start(name: "restarted", client: second == 0 ? clientA : clientB, events: events, readSchema: readSchema)
                try await eventually("the restarted node to wait", within: .seconds(15), every: .milliseconds(20)) {
                    try await nodes[second].runner.status(of: "tally").state == .standby
                }

                try await appender.value
                let head = try await events.headPosition()
                try await eventually("the projection to reach the head", within: .seconds(20), every: .milliseconds(20)) {
                    try await nodes[survivor].runner.status(of: "tally").checkpoint >= head
                }
                let counts = try await TestPostgres.makeReadStore(schema: readSchema, on: TestPostgres.readStoreClient).withReader { reader in
                    try await DocumentReader<[String: Int]>(collection: "tally__counts__g1", reader: reader).get("all")
                }
                #expect(counts == Dictionary(uniqueKeysWithValues: streams.map { ($0.description, 60) }), "every event applied exactly once")
                let report = try await TestPostgres.makeReadStore(schema: readSchema, on: TestPostgres.readStoreClient).withReader {
                    try await $0.projectionRecord(named: "tally")?.report
                }
                #expect(report?.node == nodes[survivor].name)
            }
        }
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
