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

@Suite("PostgreSQL append plans", .timeLimit(.minutes(10)), .enabled(if: TestPostgres.isAvailable))
struct PostgresAppendPlanTests {
    @Test("appends look events up by index even on a connection that planned them while the table was empty")
    func appendsUseIndexes() async throws {
        let store = try await TestPostgres.makeStore()
        let schema = "\"\(store.configuration.schema)\""
        let logger = Logger(label: "strata.test")
        // The schema goes whether the test passes or fails.
        do {
            try await measure(schema: schema, logger: logger)
        } catch {
            try? await TestPostgres.dropSchema(store.configuration.schema)
            throw error
        }
        try await TestPostgres.dropSchema(store.configuration.schema)
    }

    private func measure(schema: String, logger: Logger) async throws {
        try await TestPostgres.client.withConnection { connection in
            func append(_ stream: String) async throws {
                let call = PostgresQuery(
                    unsafeSQL: """
                        SELECT outcome FROM \(schema).strata_append(
                            ARRAY['\(stream)'], ARRAY['plan'], ARRAY[0]::smallint[], ARRAY[-1]::bigint[], ARRAY[1],
                            ARRAY[gen_random_uuid()], ARRAY['Tested'], ARRAY['{}'::bytea], ARRAY[1], ARRAY[''], ARRAY[false],
                            ARRAY[''], ARRAY[false], ARRAY[''::bytea], ARRAY[false])
                        """
                )
                for try await outcome in try await connection.query(call, logger: logger).decode(Int16.self) {
                    #expect(outcome == 0)
                }
            }
            // PL/pgSQL settles on a generic plan after a few calls; these make it while the table is nearly empty.
            for n in 0..<8 { try await append("plan-\(n)") }
            _ = try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO \(schema).strata_events
                            (position, stream_id, stream_version, event_id, event_type, category, data, recorded_at)
                        SELECT 1000 + k, 'bulk-' || k, 0, gen_random_uuid(), 'Tested', 'bulk', '{}'::bytea, now()
                        FROM generate_series(1, 20000) AS k
                        """
                ),
                logger: logger
            )
            let rowsScanned = try await inRawTransaction(connection) {
                for n in 0..<5 { try await append("later-\(n)") }
                let scans = PostgresQuery(unsafeSQL: "SELECT pg_stat_get_xact_tuples_returned('\(schema).strata_events'::regclass)")
                var rowsScanned: Int64 = -1
                for try await count in try await connection.query(scans, logger: logger).decode(Int64.self) {
                    rowsScanned = count
                }
                return rowsScanned
            }
            #expect(rowsScanned < 1000, "an append that scans the events table gets slower as the log grows")
        }
    }
}
