//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

enum TransactionChecks {
    static let all: [ReadStoreConformanceCheck] = [
        ReadStoreConformanceCheck("a read-store transaction commits everything, or nothing when it throws", atomicity),
        ReadStoreConformanceCheck("readers do not see a transaction's writes before it commits", isolation),
        ReadStoreConformanceCheck("the registry, documents and parked events survive a restart", restart),
        ReadStoreConformanceCheck("documents put together are stored and indexed as if put one by one", putTogether),
    ]

    static func putTogether(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { _, readStore in
            try await readStore.withTransaction { tx in
                try await tx.createCollection("c__g1", indexes: ["a"])
                try await tx.putDocument(Data(#"{"a":0}"#.utf8), key: "k1", indexValues: ["a": 0], in: "c__g1")
                let puts = (1...3).map { n in
                    DocumentPut(key: "k\(n)", document: Data(#"{"a":\#(n * 10)}"#.utf8), indexValues: ["a": .integer(Int64(n * 10))])
                }
                try await tx.putDocuments(puts, in: "c__g1")
                try await tx.putDocuments([], in: "c__g1")
            }
            try await readStore.withReader { (reader: any ReadStoreReader) async throws -> Void in
                #expect(try await reader.document(key: "k1", in: "c__g1") == Data(#"{"a":10}"#.utf8), "a later put replaces")
                let found = try await reader.documents(in: "c__g1", matching: .where("a", .greaterOrEqual, 20))
                #expect(found.map(\.key) == ["k2", "k3"])
                #expect(try await reader.documents(in: "c__g1", matching: .where("a", .equal, 0)).isEmpty)
            }
            await #expect(throws: ReadStoreError.self) {
                try await readStore.withTransaction { tx in
                    try await tx.putDocuments([DocumentPut(key: "k", document: Data("{}".utf8), indexValues: [:])], in: "missing__g1")
                }
            }
            // Every kind of indexed value, a field left out, and a key put twice (the last put stands), put
            // together in one collection and one by one in another: both answer every lookup alike.
            let mixed: [DocumentPut] = [
                (key: "m1", n: SQLValue.real(1.5), t: SQLValue.text("x")),
                (key: "m2", n: .text("b"), t: .null),
                (key: "m3", n: .blob(Data([1, 2])), t: .text("y")),
                (key: "m4", n: .integer(-3), t: .text("")),
                (key: "m1", n: .integer(2), t: .text("z")),
            ].map { row in
                DocumentPut(key: row.key, document: Data(#"{"k":"\#(row.key)","t":"\#(row.t)"}"#.utf8), indexValues: ["n": row.n, "t": row.t])
            }
            try await readStore.withTransaction { tx in
                try await tx.createCollection("together__g1", indexes: ["n", "t"])
                try await tx.createCollection("apart__g1", indexes: ["n", "t"])
                try await tx.putDocuments(mixed, in: "together__g1")
                for put in mixed { try await tx.putDocument(put.document, key: put.key, indexValues: put.indexValues, in: "apart__g1") }
            }
            try await readStore.withReader { (reader: any ReadStoreReader) async throws -> Void in
                for query: DocumentQuery in [
                    .all, .all.sorted(by: "n"), .all.sorted(by: "t", descending: true), .where("n", .greater, 0),
                    .where("t", .equal, "y"), .where("t", .equal, ""), .where("n", .equal, .blob(Data([1, 2]))),
                ] {
                    let together = try await reader.documents(in: "together__g1", matching: query)
                    let apart = try await reader.documents(in: "apart__g1", matching: query)
                    #expect(together.map(\.key) == apart.map(\.key), "\(query)")
                    #expect(together.map(\.json) == apart.map(\.json), "\(query)")
                }
                #expect(try await reader.documents(in: "together__g1", matching: .where("t", .equal, "z")).map(\.key) == ["m1"])
            }
        }
    }

    struct Rollback: Error {}

    static let record = ProjectionRecord(name: "p", active: ProjectionGeneration(number: 1, version: 1, position: 7, schemaVersion: 0))

    static func parked(_ position: GlobalPosition) -> ParkedEvent {
        ParkedEvent(
            projection: "p",
            generation: 1,
            event: RecordedEvent(
                id: UUID(uuidString: "00000000-0000-0000-0000-0000000000\(position.value < 10 ? "0" : "")\(position.value)")!,
                stream: "order-1",
                version: 2,
                position: position,
                type: "OrderShipped",
                data: Data("{}".utf8),
                metadata: EventMetadata(correlationID: "c", custom: ["k": "v"]),
                recordedAt: Date(timeIntervalSince1970: 1_700_000_000)
            ),
            error: "boom",
            attempts: 3,
            parkedAt: Date(timeIntervalSince1970: 1_700_000_100)
        )
    }

    static func atomicity(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { _, readStore in
            try await readStore.withTransaction { tx in
                try await tx.createCollection("c__g1", indexes: ["a"])
                try await tx.putDocument(Data(#"{"a":1}"#.utf8), key: "k1", indexValues: ["a": 1], in: "c__g1")
                try await tx.saveProjectionRecord(record)
                try await tx.park(parked(5))
            }
            await #expect(throws: Rollback.self) {
                try await readStore.withTransaction { tx in
                    try await tx.putDocument(Data(#"{"a":2}"#.utf8), key: "k2", indexValues: ["a": 2], in: "c__g1")
                    try await tx.deleteDocument(key: "k1", in: "c__g1")
                    var moved = record
                    moved.active.position = 99
                    try await tx.saveProjectionRecord(moved)
                    try await tx.removeParkedEvents(projection: "p", generation: 1)
                    #expect(try await tx.projectionRecord(named: "p")?.active.position == 99, "a transaction sees its own writes")
                    #expect(try await tx.document(key: "k1", in: "c__g1") == nil)
                    throw Rollback()
                }
            }
            try await readStore.withReader { (reader: any ReadStoreReader) async throws -> Void in
                #expect(try await reader.projectionRecord(named: "p") == record)
                #expect(try await reader.document(key: "k1", in: "c__g1") == Data(#"{"a":1}"#.utf8))
                #expect(try await reader.document(key: "k2", in: "c__g1") == nil)
                #expect(try await reader.parkedEvents(projection: "p", generation: 1) == [parked(5)])
                #expect(try await reader.parkedStreams(projection: "p", generation: 1) == ["order-1"])
                #expect(try await reader.parkedCount(projection: "p", generation: 1) == 1)
            }
        }
    }

    static func isolation(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { _, readStore in
            try await readStore.withTransaction { tx in try await tx.createCollection("c__g1", indexes: []) }
            try await readStore.withTransaction { tx in
                try await tx.putDocument(Data("{}".utf8), key: "k", indexValues: [:], in: "c__g1")
                try await tx.saveProjectionRecord(record)
                let document = try await readStore.withReader { try await $0.document(key: "k", in: "c__g1") }
                let record = try await readStore.withReader { try await $0.projectionRecord(named: "p") }
                #expect(document == nil)
                #expect(record == nil)
            }
            #expect(try await readStore.withReader { try await $0.document(key: "k", in: "c__g1") } != nil)
        }
    }

    static func restart(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            var rebuilt = record
            rebuilt.rebuilding = ProjectionGeneration(number: 2, version: 2, position: 3, schemaVersion: 1)
            try await readStore.withTransaction { tx in
                try await tx.createCollection("c__g1", indexes: ["a"])
                try await tx.putDocument(Data(#"{"a":"x"}"#.utf8), key: "k", indexValues: ["a": "x"], in: "c__g1")
                try await tx.saveProjectionRecord(rebuilt)
                try await tx.park(parked(6))
            }
            let reopened = try await backend.reopen(readStore)
            try await reopened.withReader { (reader: any ReadStoreReader) async throws -> Void in
                #expect(try await reader.projectionRecords() == [rebuilt])
                #expect(try await reader.documents(in: "c__g1", matching: .where("a", .equal, "x")).map(\.key) == ["k"])
                #expect(try await reader.parkedEvent(projection: "p", generation: 1, position: 6) == parked(6))
            }
            try await backend.dispose(reopened)
        }
    }
}
