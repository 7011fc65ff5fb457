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

@Suite("PostgreSQL integrity checks find a damaged log", .timeLimit(.minutes(5)), .enabled(if: TestPostgres.isAvailable))
struct PostgresIntegrityTests {
    @Test("each kind of damage, written behind the store's back, breaks the check that names it, with examples")
    func damage() async throws {
        let store = try await TestPostgres.makeStore()
        let schema = store.configuration.schema
        defer { Task { try? await TestPostgres.dropSchema(schema) } }
        for (stream, count) in [("a-1", 3), ("b-1", 2), ("c-1", 1), ("d-1", 2)] {
            for n in 0..<count {
                _ = try await store.append([NewEvent(type: "Tested", data: Data("{\"n\":\(n)}".utf8))], to: StreamID(stream), expecting: .any)
            }
        }
        _ = try await store.deleteStream("b-1", expecting: .any)
        #expect(try await store.checkIntegrity(examples: 3).allSatisfy(\.holds), "the store is sound before the damage")

        let events = "\"\(schema)\".strata_events"
        for statement in [
            // a-1 loses version 1 (position 2): a gap in the positions and in its versions.
            "DELETE FROM \(events) WHERE stream_id = 'a-1' AND stream_version = 1",
            // d-1's two events trade versions: version order is no longer global order.
            "UPDATE \(events) SET stream_version = -1 WHERE stream_id = 'd-1' AND stream_version = 0",
            "UPDATE \(events) SET stream_version = 0 WHERE stream_id = 'd-1' AND stream_version = 1",
            "UPDATE \(events) SET stream_version = 1 WHERE stream_id = 'd-1' AND stream_version = -1",
            // c-1's event is stored twice, in a stream of its own, past the head (which is not moved).
            "ALTER TABLE \(events) DROP CONSTRAINT strata_events_event_id",
            """
            INSERT INTO \(events) (position, stream_id, stream_version, event_id, event_type, category, data, recorded_at)
            SELECT (SELECT max(position) FROM \(events)) + 1, 'e-1', 0, event_id, event_type, 'e', data, recorded_at
            FROM \(events) WHERE stream_id = 'c-1'
            """,
            // c-1 is recorded as deleted without its deletion event.
            "INSERT INTO \"\(schema)\".strata_streams (stream_id, truncate_before, deleted) VALUES ('c-1', 0, true)",
        ] {
            try await TestPostgres.client.query(PostgresQuery(unsafeSQL: statement))
        }

        let checks = Dictionary(uniqueKeysWithValues: try await store.checkIntegrity(examples: 3).map { ($0.name, $0) })
        #expect(checks[IntegrityCheckName.gapFreePositions]?.violations == 1)
        #expect(checks[IntegrityCheckName.gapFreePositions]?.examples == ["position 2 is missing"])
        #expect(checks[IntegrityCheckName.head]?.examples == ["the head row says 9, the last event is at 10"])
        #expect(checks[IntegrityCheckName.contiguousVersions]?.examples == ["stream a-1: 2 events, versions 0…2"])
        #expect(checks[IntegrityCheckName.streamOrder]?.violations == 1)
        #expect(checks[IntegrityCheckName.streamOrder]?.examples.first?.hasPrefix("stream d-1: version 1 at position") == true)
        #expect(checks[IntegrityCheckName.uniqueEventIDs]?.violations == 1)
        #expect(checks[IntegrityCheckName.streamRecords]?.examples == ["stream c-1 is recorded as deleted but ends with a Tested event at version 0"])
        #expect(checks.count == 6)
    }
}
