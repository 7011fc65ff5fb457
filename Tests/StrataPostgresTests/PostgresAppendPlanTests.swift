//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging
import PostgresNIO
import StrataPostgres
import StrataTestSupport
import Testing

/// What `strata_append` and `strata_append_new_events` read, counted by PostgreSQL's statistics of the calling
/// transaction: an append whose lookups read more as the log or its stream grows gets slower with them, while it
/// holds the log's lock.
@Suite("PostgreSQL append plans", .timeLimit(.minutes(10)), .enabled(if: TestPostgres.isAvailable))
struct PostgresAppendPlanTests {
    private let logger = Logger(label: "strata.test")

    /// The two functions every append goes through.
    static let functions = [AppendFunction.lookingUpIDs, .newEvents]

    @Test(
        "appends look events up by index even on a connection that planned them while the table was empty",
        arguments: functions
    )
    func appendsUseIndexes(_ function: AppendFunction) async throws {
        try await withAppendFunction { schema, connection in
            // PL/pgSQL settles on a generic plan after a few calls; these make it while the table is nearly empty.
            for n in 0..<8 { try await function.append(to: "plan-\(n)", schema: schema, on: connection, logger: logger) }
            try await bulkInsert("'bulk-' || k, 0", schema: schema, on: connection)
            let rowsScanned = try await rowsRead(by: 5, with: function, schema: schema, on: connection) { "later-\($0)" }
            #expect(rowsScanned < 1000, "an append that scans the events table gets slower as the log grows")
        }
    }

    @Test("an append to a long stream reads its last version, not every version of the stream", arguments: functions)
    func appendsToLongStreamsReadOneVersion(_ function: AppendFunction) async throws {
        try await withAppendFunction { schema, connection in
            for n in 0..<8 { try await function.append(to: "plan-\(n)", schema: schema, on: connection, logger: logger) }
            try await bulkInsert("'long', k - 1", schema: schema, on: connection)
            let rowsRead = try await rowsRead(by: 5, with: function, schema: schema, on: connection) { _ in "long" }
            #expect(rowsRead < 1000, "an append that reads the whole stream gets slower as the stream grows")
        }
    }

    /// Runs `body` with a new store's schema and a connection, dropping the schema however `body` ends.
    private func withAppendFunction(_ body: (String, PostgresConnection) async throws -> Void) async throws {
        let store = try await TestPostgres.makeStore()
        let schema = "\"\(store.configuration.schema)\""
        do {
            try await TestPostgres.client.withConnection { connection in try await body(schema, connection) }
        } catch {
            try? await TestPostgres.dropSchema(store.configuration.schema)
            throw error
        }
        try await TestPostgres.dropSchema(store.configuration.schema)
    }

    /// 20,000 events stored behind the function's back, at positions far above the ones the appends take, with
    /// `streamAndVersion` (of `k`, 1 to 20,000) as their stream and version.
    private func bulkInsert(_ streamAndVersion: String, schema: String, on connection: PostgresConnection) async throws {
        _ = try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO \(schema).strata_events
                        (position, stream_id, stream_version, event_id, event_type, category, data, recorded_at)
                    SELECT 1000 + k, \(streamAndVersion), gen_random_uuid(), 'Tested', 'bulk', '{}'::bytea, now()
                    FROM generate_series(1, 20000) AS k
                    """
            ),
            logger: logger
        )
    }

    /// The rows of `strata_events` and its indexes that `count` appends (to `stream(n)`) read in one transaction.
    private func rowsRead(
        by count: Int,
        with function: AppendFunction,
        schema: String,
        on connection: PostgresConnection,
        to stream: (Int) -> String
    ) async throws -> Int64 {
        try await inRawTransaction(connection) {
            for n in 0..<count { try await function.append(to: stream(n), schema: schema, on: connection, logger: logger) }
            // Sequential scans and heap fetches of the table, and the entries its indexes returned.
            let counts = PostgresQuery(
                unsafeSQL: """
                    SELECT pg_stat_get_xact_tuples_returned(t.oid) + pg_stat_get_xact_tuples_fetched(t.oid)
                        + (SELECT coalesce(sum(pg_stat_get_xact_tuples_returned(i.indexrelid)), 0)::bigint
                           FROM pg_index i WHERE i.indrelid = t.oid)
                    FROM (SELECT '\(schema).strata_events'::regclass::oid AS oid) t
                    """
            )
            var rowsRead: Int64 = -1
            for try await value in try await connection.query(counts, logger: logger).decode(Int64.self) {
                rowsRead = value
            }
            return rowsRead
        }
    }
}

/// A store's append function, called directly with one event.
enum AppendFunction: String, CustomTestStringConvertible, Sendable {
    case lookingUpIDs = "strata_append"
    case newEvents = "strata_append_new_events"

    var testDescription: String { rawValue }

    /// Appends one event to `stream`, expecting it to succeed.
    func append(to stream: String, schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        let arguments = """
            ARRAY['\(stream)'], ARRAY['plan'], ARRAY[0]::smallint[], ARRAY[-1]::bigint[], ARRAY[1],
            ARRAY[gen_random_uuid()], ARRAY['Tested'], ARRAY['{}'::bytea], ARRAY[1], ARRAY[''], ARRAY[false],
            ARRAY[''], ARRAY[false], ARRAY[''::bytea], ARRAY[false]
            """
        // The first of strata_append_new_events's four entries per append is the outcome.
        let call = PostgresQuery(
            unsafeSQL: self == .lookingUpIDs
                ? "SELECT outcome::bigint FROM \(schema).strata_append(\(arguments))"
                : "SELECT (\(schema).strata_append_new_events(\(arguments), 0))[1]"
        )
        var outcomes: [Int64] = []
        for try await outcome in try await connection.query(call, logger: logger).decode(Int64.self) {
            outcomes.append(outcome)
        }
        #expect(outcomes == [0])
    }
}
