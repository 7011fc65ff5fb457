//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import NIOCore
import PostgresNIO
import Strata
import StrataPostgres
import StrataTestSupport
import Testing

@Suite("PostgreSQL connections cut inside a result", .timeLimit(.minutes(5)), .enabled(if: TestPostgres.isAvailable))
struct PostgresConnectionCutTests {
    /// The read that a trial cuts, and how many events it returns when nothing is cut.
    private enum Read: CaseIterable {
        case page, category, stream

        func run(on store: PostgresEventStore) async throws -> Int {
            switch self {
            case .page: try await store.readAll(from: .start, limit: 1000).count
            case .category: try await store.readAll(from: .start, limit: 1000, filter: EventFilter(category: "order")).count
            case .stream: try await store.readStream("order-1").count
            }
        }

        var expectedCount: Int { self == .stream ? 100 : 400 }
    }

    @Test(
        "a connection closed without a word in the middle of a result fails that read as unavailable; the process lives on and the next read gets everything"
    )
    func cutInsideResult() async throws {
        let schema = uniqueSchema()
        let direct = try await TestPostgres.makeStore(schema: schema)
        // 3 KB each: a page of 400 is over a megabyte, a stream of 100 a third of one; both take many network reads.
        let payload = Data(#"{"text":"\#(String(repeating: "x", count: 3000))"}"#.utf8)
        for stream in 0..<4 {
            _ = try await direct.append(
                (0..<100).map { _ in NewEvent(type: "Filled", data: payload) },
                to: try StreamID("order-\(stream)"),
                expecting: .noStream
            )
        }

        let (proxy, client, running) = try await Self.clientThroughProxy()
        defer { running.cancel() }
        let store = try PostgresEventStore(client: client, configuration: .init(schema: schema))

        for trial in 0..<12 {
            let read = Read.allCases[trial % Read.allCases.count]
            // The connection is up before the cut is armed.
            #expect(try await store.headPosition() == GlobalPosition(400))
            // From the first rows to deep inside the result; the close at once or a little after the last bytes.
            proxy.arm(.init(bytes: 20_000 + (trial * 23_000) % 250_000, pause: .microseconds(Int64(trial % 4) * 150)))
            let error = await #expect(throws: EventStoreError.self, "trial \(trial), \(read)") { try await read.run(on: store) }
            #expect(error?.code == .unavailable, "trial \(trial), \(read): \(String(describing: error))")
            proxy.disarm()
            // The pool may lend the closed connection once more before it has seen it close.
            try await eventually("trial \(trial), \(read): a full read after the cut", within: .seconds(10), every: .milliseconds(20)) {
                (try? await read.run(on: store)) == read.expectedCount
            }
        }
        await proxy.close()
        try await TestPostgres.dropSchema(schema)
    }

    @Test("a read model's documents cut off in the middle fail that read as unavailable, and the next read gets them all")
    func cutInsideDocuments() async throws {
        let schema = uniqueSchema("r")
        let direct = try await TestPostgres.makeReadStore(schema: schema)
        let document = Data(#"{"text":"\#(String(repeating: "y", count: 3000))"}"#.utf8)
        let keys = (0..<300).map { "order-\($0)" }
        try await direct.withTransaction { transaction in
            try await transaction.createCollection("orders", indexes: [])
            for key in keys { try await transaction.putDocument(document, key: key, indexValues: [:], in: "orders") }
        }

        let (proxy, client, running) = try await Self.clientThroughProxy()
        defer { running.cancel() }
        let store = try PostgresReadStore(client: client, configuration: .init(schema: schema))
        let readAll: @Sendable () async throws -> Int = {
            try await store.withReader { reader in try await reader.documents(keys: keys, in: "orders").count }
        }
        for trial in 0..<6 {
            try await eventually("trial \(trial): a full read before the cut", within: .seconds(10), every: .milliseconds(20)) {
                (try? await readAll()) == keys.count
            }
            proxy.arm(.init(bytes: 20_000 + trial * 97_000, pause: .microseconds(Int64(trial % 3) * 150)))
            let error = await #expect(throws: ReadStoreError.self, "trial \(trial)") { try await readAll() }
            #expect(error?.code == .unavailable, "trial \(trial): \(String(describing: error))")
            proxy.disarm()
        }
        try await eventually("a full read after the cuts", within: .seconds(10), every: .milliseconds(20)) {
            (try? await readAll()) == keys.count
        }
        await proxy.close()
        try await TestPostgres.dropSchema(schema)
    }

    @Test("a lookup whose one row arrives and whose connection then closes fails as unavailable, and the next lookup finds it")
    func cutAfterTheOnlyRow() async throws {
        let schema = uniqueSchema("r")
        let direct = try await TestPostgres.makeReadStore(schema: schema)
        let document = Data(#"{"text":"\#(String(repeating: "z", count: 2000))"}"#.utf8)
        try await direct.withTransaction { transaction in
            try await transaction.createCollection("orders", indexes: [])
            try await transaction.putDocument(document, key: "order-1", indexValues: [:], in: "orders")
        }

        let (proxy, client, running) = try await Self.clientThroughProxy()
        defer { running.cancel() }
        let store = try PostgresReadStore(client: client, configuration: .init(schema: schema))
        let lookup: @Sendable () async throws -> Data? = {
            try await store.withReader { reader in try await reader.document(key: "order-1", in: "orders") }
        }
        // The answer's first messages, BindComplete or ParseComplete and the like, then the row: a DataRow of one
        // column is 11 bytes and the document. Cuts around the row's end: inside it, just after it (the row has
        // arrived, the rest of the answer has not), and a little after.
        let rowEnd = 5 + 11 + document.count
        for cut in (rowEnd - 2)...(rowEnd + 3) {
            try await eventually("a full lookup before the cut at \(cut)", within: .seconds(10), every: .milliseconds(20)) {
                (try? await lookup()) == document
            }
            proxy.arm(.init(bytes: cut, pause: .zero))
            let error = await #expect(throws: ReadStoreError.self, "cut at \(cut)") { try await lookup() }
            #expect(error?.code == .unavailable, "cut at \(cut): \(String(describing: error))")
            proxy.disarm()
        }
        try await eventually("a full lookup after the cuts", within: .seconds(10), every: .milliseconds(20)) {
            (try? await lookup()) == document
        }
        await proxy.close()
        try await TestPostgres.dropSchema(schema)
    }

    /// A proxy in front of the test server and a client of one connection through it, running until the task is
    /// cancelled; one connection, so that a cut falls on a read's response and never on a second connection's
    /// greeting.
    private static func clientThroughProxy() async throws -> (CuttingProxy, PostgresClient, Task<Void, Never>) {
        let url = try #require(TestPostgres.url)
        let target = try #require(URLComponents(string: url))
        let targetHost = try #require(target.host)
        let targetPort = try #require(target.port)
        let proxy = try await CuttingProxy(targetHost: targetHost, targetPort: targetPort)
        var throughProxy = target
        throughProxy.host = "127.0.0.1"
        throughProxy.port = proxy.port
        let proxyURL = try #require(throughProxy.string)
        var configuration = try PostgresConnectionSettings(url: proxyURL).client
        configuration.options.maximumConnections = 1
        configuration.options.minimumConnections = 0
        let client = PostgresClient(configuration: configuration)
        return (proxy, client, Task { await client.run() })
    }
}
