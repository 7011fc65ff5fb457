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

@Suite("PostgreSQL read-store key lookups, prepared", .timeLimit(.minutes(5)), .enabled(if: TestPostgres.isAvailable))
struct PostgresPreparedLookupTests {
    @Test("a key lookup is prepared once on its connection and reused; past the limit a connection runs lookups unprepared, and finds the same")
    func preparedOncePerConnection() async throws {
        let schema = uniqueSchema("r")
        // One connection, so that every reader runs on the connection the count is read from.
        var configuration = try PostgresConnectionSettings(url: try #require(TestPostgres.url)).client
        configuration.options.maximumConnections = 1
        let client = PostgresClient(configuration: configuration)
        let running = Task { await client.run() }
        defer { running.cancel() }
        let store = try await TestPostgres.makeReadStore(schema: schema, on: client)
        let collections = (0..<130).map { "c\($0)" }
        try await store.withTransaction { transaction in
            for collection in collections {
                try await transaction.createCollection(collection, indexes: [])
                try await transaction.putDocument(Data(#"{"in":"\#(collection)"}"#.utf8), key: "k", indexValues: [:], in: collection)
            }
        }
        func preparedLookups() async throws -> Int {
            try await store.withReader { reader in
                let rows = try await reader.sql!.query("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT document FROM %'")
                return Int(try #require(rows.first?.values.first?.int64))
            }
        }

        #expect(try await preparedLookups() == 0)
        for _ in 0..<3 {
            #expect(try await store.withReader { try await $0.document(key: "k", in: "c0") } == Data(#"{"in":"c0"}"#.utf8))
        }
        #expect(try await preparedLookups() == 1, "prepared once, then reused")
        #expect(try await store.withReader { try await $0.document(key: "missing", in: "c0") } == nil)
        #expect(try await preparedLookups() == 1)

        for collection in collections {
            #expect(try await store.withReader { try await $0.document(key: "k", in: collection) } == Data(#"{"in":"\#(collection)"}"#.utf8))
        }
        #expect(try await preparedLookups() == 128, "at most 128 statements on one connection")
        await #expect(throws: ReadStoreError.self) { try await store.withReader { try await $0.document(key: "k", in: "nothing") } }
        try await TestPostgres.dropSchema(schema)
    }
}
