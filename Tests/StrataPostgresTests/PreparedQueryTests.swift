//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging
import PostgresNIO
import StrataTestSupport
import Testing

@testable import StrataPostgres

@Suite("PostgreSQL prepared queries", .timeLimit(.minutes(5)), .enabled(if: TestPostgres.isAvailable))
struct PreparedQueryTests {
    let logger = Logger(label: "strata.test")

    @Test("a prepared query that failed because its table was missing works on the same connection once the table exists")
    func failedPreparationIsRetried() async throws {
        let schema = uniqueSchema("prep")
        try await TestPostgres.client.withConnection { connection in
            let lookup = PostgresQuery(unsafeSQL: "SELECT document FROM \"\(schema)\".docs WHERE key = $1", binds: Self.binds("a"))
            await #expect(throws: PSQLError.self) { try await connection.queryPrepared(lookup, logger: logger) }
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \"\(schema)\""), logger: logger)
            _ = try await connection.query(
                PostgresQuery(unsafeSQL: "CREATE TABLE \"\(schema)\".docs (key text PRIMARY KEY, document text NOT NULL)"),
                logger: logger
            )
            _ = try await connection.query(
                PostgresQuery(unsafeSQL: "INSERT INTO \"\(schema)\".docs VALUES ('a', 'first')"),
                logger: logger
            )
            let rows = try await connection.queryPrepared(lookup, logger: logger)
            #expect(try rows.map { try $0.decode(String.self) } == ["first"])
            // And it stays prepared: the second run answers from the same statement.
            let again = try await connection.queryPrepared(lookup, logger: logger)
            #expect(try again.map { try $0.decode(String.self) } == ["first"])
        }
        try await TestPostgres.dropSchema(schema)
    }

    @Test("two statements in one connection never answer for each other")
    func distinctStatementsStayDistinct() async throws {
        try await TestPostgres.client.withConnection { connection in
            for n in 0..<3 {
                let first = try await connection.queryPrepared(PostgresQuery(unsafeSQL: "SELECT 1 + \(n)"), logger: logger)
                let second = try await connection.queryPrepared(PostgresQuery(unsafeSQL: "SELECT 100 + \(n)"), logger: logger)
                #expect(try first.map { try $0.decode(Int.self) } == [1 + n])
                #expect(try second.map { try $0.decode(Int.self) } == [100 + n])
            }
        }
        #expect(PreparedQuery.statementName(for: "SELECT 1") != PreparedQuery.statementName(for: "SELECT 2"))
        #expect(PreparedQuery.statementName(for: String(repeating: "x", count: 10_000)).utf8.count < 63)
    }

    private static func binds(_ key: String) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(key)
        return bindings
    }
}
