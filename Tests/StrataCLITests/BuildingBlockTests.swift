//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataHTTP
import Testing

@testable import StrataCommandLine

@Suite("CLI building blocks", .timeLimit(.minutes(10)))
struct BuildingBlockTests {
    @Test(
        "store URLs parse into locations",
        arguments: [
            ("sqlite:events.sqlite", StoreLocation.Kind.sqlite(path: "events.sqlite")),
            ("sqlite:./data/events.sqlite", .sqlite(path: "./data/events.sqlite")),
            ("sqlite:///var/lib/strata/events.sqlite", .sqlite(path: "/var/lib/strata/events.sqlite")),
            ("postgres://user@db/strata", .postgres(url: "postgres://user@db/strata")),
            ("postgresql://db/strata", .postgres(url: "postgresql://db/strata")),
        ])
    func storeURLs(text: String, kind: StoreLocation.Kind) throws {
        #expect(try StoreLocation(parsing: text).kind == kind)
    }

    @Test("--store wins over STRATA_STORE, which wins over the default")
    func storePrecedence() throws {
        let environment = ["STRATA_STORE": "sqlite:/env.sqlite"]
        #expect(try StoreOptions.parse(["--store", "sqlite:/flag.sqlite"]).location(environment: environment).kind == .sqlite(path: "/flag.sqlite"))
        #expect(try StoreOptions.parse([]).location(environment: environment).kind == .sqlite(path: "/env.sqlite"))
        #expect(try StoreOptions.parse([]).location(environment: [:]) == .default)
        #expect(try StoreOptions.parse([]).location(environment: ["STRATA_STORE": ""]) == .default)
        let postgres = ["STRATA_POSTGRES_URL": "postgres://u@db/app"]
        #expect(try StoreOptions.parse([]).location(environment: postgres).kind == .postgres(url: "postgres://u@db/app"))
        #expect(try StoreOptions.parse([]).location(environment: postgres.merging(environment) { $1 }).kind == .sqlite(path: "/env.sqlite"))
    }

    @Test("data that is not JSON is kept as base64 rather than lost")
    func nonJSONData() throws {
        let event = RecordedEvent(
            id: UUID(),
            stream: "blob-1",
            version: 0,
            position: 1,
            type: "Blob",
            data: Data([0xFF, 0x00, 0x7B]),
            metadata: EventMetadata(),
            recordedAt: Date(timeIntervalSince1970: 0)
        )
        let line = try EventJSON.line(for: event)
        #expect(line.last == UInt8(ascii: "\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        #expect(object["data"] is NSNull)
        #expect(object["dataBase64"] as? String == "/wB7")
        #expect(object["recordedAt"] as? String == "1970-01-01T00:00:00.000Z")
    }

    @Test("reads page through the store until the end or the limit")
    func paging() async throws {
        let store = InMemoryEventStore()
        for n in 0..<25 {
            let stream: StreamID = n.isMultiple(of: 2) ? "even-1" : "odd-1"
            _ = try await store.append([NewEvent(type: "N", data: Data("\(n)".utf8))], to: stream, expecting: .any)
        }
        func collect(_ read: PagedRead) async throws -> (pages: [Int], positions: [UInt64]) {
            var pages: [Int] = []
            var positions: [UInt64] = []
            try await read.forEachPage(of: store) { page in
                pages.append(page.count)
                positions += page.map(\.position.value)
            }
            return (pages, positions)
        }

        let everything = try await collect(PagedRead(source: .all(from: .start, filter: .all), limit: nil, pageSize: 10))
        #expect(everything.pages == [10, 10, 5])
        #expect(everything.positions == Array(1...25))

        let limited = try await collect(PagedRead(source: .all(from: 3, filter: .category("even")), limit: 7, pageSize: 4))
        #expect(limited.pages == [4, 3])
        #expect(limited.positions == [3, 5, 7, 9, 11, 13, 15])

        let exact = try await collect(PagedRead(source: .all(from: .start, filter: .all), limit: nil, pageSize: 5))
        #expect(exact.pages == [5, 5, 5, 5, 5])

        let backwards = try await collect(PagedRead(source: .stream("even-1", direction: .backwards, from: .max), limit: nil, pageSize: 5))
        #expect(backwards.pages == [5, 5, 3])
        #expect(backwards.positions == Array(stride(from: 25, through: 1, by: -2)))

        let forwards = try await collect(PagedRead(source: .stream("odd-1", direction: .forwards, from: 2), limit: 6, pageSize: 4))
        #expect(forwards.positions == [6, 8, 10, 12, 14, 16])
    }
}
