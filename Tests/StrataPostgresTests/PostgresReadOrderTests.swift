//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

@testable import StrataPostgres

@Suite("PostgreSQL reads through functions")
struct PostgresReadOrderTests {
    private static func event(version: UInt64, position: UInt64) -> RecordedEvent {
        RecordedEvent(
            id: UUID(),
            stream: "order-1",
            version: StreamVersion(version),
            position: GlobalPosition(position),
            type: "Tested",
            data: Data("{}".utf8),
            metadata: EventMetadata(),
            recordedAt: Date(timeIntervalSince1970: 0)
        )
    }

    @Test("rows that a read function returned out of order are put back in order; rows in order are kept as they are")
    func rowsAreOrdered() {
        let shuffled = [3, 1, 2].map { Self.event(version: $0, position: $0 + 10) }
        let forwards = PostgresEventStore.inOrder(shuffled, by: { $0.version < $1.version })
        #expect(forwards.map(\.version.value) == [1, 2, 3])
        let backwards = PostgresEventStore.inOrder(shuffled, by: { $0.version > $1.version })
        #expect(backwards.map(\.version.value) == [3, 2, 1])
        let byPosition = PostgresEventStore.inOrder(shuffled, by: { $0.position < $1.position })
        #expect(byPosition.map(\.position.value) == [11, 12, 13])
        let inOrder = [1, 2, 3].map { Self.event(version: $0, position: $0) }
        #expect(PostgresEventStore.inOrder(inOrder, by: { $0.version < $1.version }).map(\.id) == inOrder.map(\.id))
    }
}
