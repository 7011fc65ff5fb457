//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

enum ReadChecks {
    static let all: [EventStoreConformanceCheck] = [
        EventStoreConformanceCheck("a stream reads forwards and backwards from a version with a limit", readStreamDirections),
        EventStoreConformanceCheck("the whole log reads in global order from a position, filtered by category and type", readAllFilters),
        EventStoreConformanceCheck("current version and head position track appends", versionsAndHead),
    ]

    static func readStreamDirections(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let stream = uniqueStream()
            _ = try await store.append((0..<10).map { event(n: $0) }, to: stream, expecting: .noStream)
            _ = try await store.append([event(n: 99)], to: uniqueStream(), expecting: .noStream)

            func versions(_ from: StreamVersion, _ direction: ReadDirection, _ limit: Int) async throws -> [UInt64] {
                try await store.readStream(stream, from: from, direction: direction, limit: limit).map(\.version.value)
            }
            #expect(try await versions(3, .forwards, 4) == [3, 4, 5, 6])
            #expect(try await versions(8, .forwards, 10) == [8, 9])
            #expect(try await versions(10, .forwards, 10) == [])
            #expect(try await versions(.max, .backwards, 3) == [9, 8, 7])
            #expect(try await versions(5, .backwards, 10) == [5, 4, 3, 2, 1, 0])
            #expect(try await versions(0, .forwards, 0) == [])
            #expect(try await store.readStream(uniqueStream(), from: 0, direction: .forwards, limit: 10).isEmpty)
            #expect(try await store.readStream(stream).map { try number(of: $0) } == Array(0..<10))
        }
    }

    static func readAllFilters(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let orderA = uniqueStream("order")
            let orderB = uniqueStream("order")
            let customer = uniqueStream("customer")
            _ = try await store.append([event("OrderPlaced", n: 0)], to: orderA, expecting: .noStream)
            _ = try await store.append([event("CustomerRegistered", n: 1)], to: customer, expecting: .noStream)
            _ = try await store.append([event("OrderPlaced", n: 2), event("LineAdded", n: 3)], to: orderB, expecting: .noStream)
            _ = try await store.append([event("LineAdded", n: 4)], to: orderA, expecting: .exactly(0))
            _ = try await store.append([event("EmailChanged", n: 5)], to: customer, expecting: .exactly(0))

            let log = try await readWholeLog(store)
            #expect(try log.map { try number(of: $0) } == [0, 1, 2, 3, 4, 5])
            expectWellOrdered(log)

            let fromThird = try await store.readAll(from: log[2].position, limit: 100)
            #expect(try fromThird.map { try number(of: $0) } == [2, 3, 4, 5])
            let limited = try await store.readAll(from: log[1].position, limit: 2)
            #expect(try limited.map { try number(of: $0) } == [1, 2])
            #expect(try await store.readAll(from: log[5].position.next, limit: 10).isEmpty)

            let orders = try await store.readAll(from: .start, limit: 100, filter: .category("order"))
            #expect(try orders.map { try number(of: $0) } == [0, 2, 3, 4])
            let placed = try await store.readAll(from: .start, limit: 100, filter: .eventTypes(["OrderPlaced", "EmailChanged"]))
            #expect(try placed.map { try number(of: $0) } == [0, 2, 5])
            let orderLines = try await store.readAll(from: log[3].position, limit: 100, filter: .category("order").eventTypes(["LineAdded"]))
            #expect(try orderLines.map { try number(of: $0) } == [3, 4])
            let firstOrder = try await store.readAll(from: .start, limit: 1, filter: .category("order"))
            #expect(try firstOrder.map { try number(of: $0) } == [0])
            #expect(try await store.readAll(from: .start, limit: 100, filter: .category("nothing")).isEmpty)
            #expect(try await store.readAll(from: .start, limit: 100, filter: .eventTypes([])).isEmpty)
        }
    }

    static func versionsAndHead(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let stream = uniqueStream()
            #expect(try await store.headPosition() == .start)
            #expect(try await store.currentVersion(of: stream) == nil)
            let first = try await store.append([event(), event(), event()], to: stream, expecting: .noStream)
            #expect(try await store.currentVersion(of: stream) == 2)
            #expect(try await store.headPosition() == first.position)
            let other = try await store.append([event()], to: uniqueStream(), expecting: .noStream)
            #expect(try await store.headPosition() == other.position)
            #expect(try await store.currentVersion(of: stream) == 2)
        }
    }
}
