//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

enum AppendChecks {
    static let all: [EventStoreConformanceCheck] = [
        EventStoreConformanceCheck("an append stores its events in order and reports the new version and position", appendAndReadBack),
        EventStoreConformanceCheck("expected versions are enforced and a failed append writes nothing", expectedVersions),
        EventStoreConformanceCheck("an append of no events is rejected", emptyAppend),
        EventStoreConformanceCheck("a retried append with the same event ids returns the original result and writes nothing", idempotentRetry),
        EventStoreConformanceCheck("an event id reused anywhere else is an error", duplicateEventIDs),
        EventStoreConformanceCheck("a large append is stored whole and in order, or not at all", largeAppend),
        EventStoreConformanceCheck("data and metadata round-trip exactly", dataAndMetadataRoundTrip),
    ]

    static func appendAndReadBack(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let stream = uniqueStream("order")
            let events = [event("Placed", n: 1), event("LineAdded", n: 2), event("Confirmed", n: 3)]
            let before = Date()
            let result = try await store.append(events, to: stream, expecting: .noStream)
            #expect(result.streamVersion == 2)
            #expect(try await store.headPosition() == result.position)
            #expect(try await store.currentVersion(of: stream) == 2)

            let read = try await store.readStream(stream)
            #expect(read.map(\.id) == events.map(\.id))
            #expect(read.map(\.type) == ["Placed", "LineAdded", "Confirmed"])
            #expect(read.map(\.version) == [0, 1, 2])
            #expect(read.allSatisfy { $0.stream == stream })
            #expect(read.last?.position == result.position)
            expectWellOrdered(read)
            for recorded in read {
                #expect(abs(recorded.recordedAt.timeIntervalSince(before)) < 60)
            }

            let next = try await store.append([event("Shipped", n: 4)], to: stream, expecting: .exactly(2))
            #expect(next.streamVersion == 3)
            #expect(next.position > result.position)
        }
    }

    static func expectedVersions(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let stream = uniqueStream()
            let missing = uniqueStream()
            _ = try await store.append([event(), event()], to: stream, expecting: .noStream)
            let head = try await store.headPosition()

            let cases: [(StreamID, ExpectedVersion, StreamVersion?)] = [
                (stream, .noStream, 1),
                (stream, .exactly(0), 1),
                (stream, .exactly(5), 1),
                (missing, .streamExists, nil),
                (missing, .exactly(0), nil),
            ]
            for (target, expected, actual) in cases {
                let error = await #expect(throws: WrongExpectedVersion.self) {
                    try await store.append([event()], to: target, expecting: expected)
                }
                #expect(error?.stream == target)
                #expect(error?.expected == expected)
                #expect(error?.actual == actual)
            }
            #expect(try await store.headPosition() == head, "a rejected append must write nothing")
            #expect(try await store.readStream(missing).isEmpty)

            #expect(try await store.append([event()], to: stream, expecting: .exactly(1)).streamVersion == 2)
            #expect(try await store.append([event()], to: stream, expecting: .streamExists).streamVersion == 3)
            #expect(try await store.append([event()], to: stream, expecting: .any).streamVersion == 4)
            #expect(try await store.append([event()], to: missing, expecting: .any).streamVersion == 0)
        }
    }

    static func emptyAppend(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let error = await #expect(throws: EventStoreError.self) {
                try await store.append([], to: uniqueStream(), expecting: .any)
            }
            #expect(error?.code == .invalidArgument)
        }
    }

    static func idempotentRetry(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let stream = uniqueStream()
            let first = [event(n: 1), event(n: 2)]
            let original = try await store.append(first, to: stream, expecting: .noStream)
            let later = try await store.append([event(n: 3)], to: stream, expecting: .exactly(1))
            let head = try await store.headPosition()

            // The same append again, with each expectation that fits where the events were stored.
            #expect(try await store.append(first, to: stream, expecting: .noStream) == original)
            #expect(try await store.append(first, to: stream, expecting: .any) == original)
            #expect(try await store.append(first, to: stream, expecting: .streamExists) == original)
            #expect(try await store.append(Array(first[1...]), to: stream, expecting: .exactly(0)).streamVersion == 1)
            #expect(try await store.headPosition() == head, "a retried append must write nothing")
            #expect(try await store.readStream(stream).count == 3)
            #expect(try await store.currentVersion(of: stream) == later.streamVersion)
        }
    }

    static func duplicateEventIDs(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let stream = uniqueStream()
            let stored = [event(n: 1), event(n: 2)]
            _ = try await store.append(stored, to: stream, expecting: .noStream)
            let head = try await store.headPosition()
            let repeated = event(n: 5)
            let long = (0..<20).map { event(n: 10 + $0) }

            let attempts: [(String, [NewEvent], StreamID, ExpectedVersion)] = [
                ("in another stream", [stored[0]], uniqueStream(), .any),
                ("at another place in the stream", [stored[1], stored[0]], stream, .any),
                ("mixed with new events", [stored[0], stored[1], event(n: 3)], stream, .any),
                ("new event before a stored one", [event(n: 4), stored[0]], stream, .any),
                ("with an expectation that does not fit", stored, stream, .exactly(0)),
                ("twice in one new append", [repeated, repeated], uniqueStream(), .any),
                ("twice in a long new append", long + [long[3]], uniqueStream(), .any),
            ]
            for (what, events, target, expected) in attempts {
                let error = await #expect(throws: EventStoreError.self, "duplicate id \(what)") {
                    try await store.append(events, to: target, expecting: expected)
                }
                #expect(error?.code == .duplicateEventID, "duplicate id \(what)")
            }
            #expect(try await store.headPosition() == head, "a rejected append must write nothing")
        }
    }

    /// Thousands of events in one append: more than a backend may write with one statement.
    static func largeAppend(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let stream = uniqueStream()
            let events = (0..<2_500).map { event(n: $0) }
            let result = try await store.append(events, to: stream, expecting: .noStream)
            #expect(result.streamVersion == 2_499)
            #expect(try await store.headPosition() == result.position)
            let read = try await store.readStream(stream)
            #expect(read.map(\.id) == events.map(\.id))
            #expect(read.map(\.version.value) == Array(0..<2_500))
            #expect(read.first.map { $0.position.value + 2_499 } == result.position.value, "positions are consecutive")
            expectWellOrdered(read)

            // A stored id at the very end: every event before it is taken back too.
            let head = try await store.headPosition()
            let refused = (0..<2_000).map { event(n: $0) } + [events[0]]
            let error = await #expect(throws: EventStoreError.self) {
                try await store.append(refused, to: uniqueStream(), expecting: .noStream)
            }
            #expect(error?.code == .duplicateEventID)
            #expect(try await store.headPosition() == head, "a rejected append must write nothing")
            let after = try await store.append([event(n: 1)], to: stream, expecting: .exactly(2_499))
            #expect(after.position.value == head.value + 1, "no position was used by the rejected append")
        }
    }

    static func dataAndMetadataRoundTrip(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let stream = uniqueStream()
            let large = String(repeating: "ä€😀x", count: 25_000)
            let payloads = [
                Data(#"{"text":"\#(large)"}"#.utf8),
                Data(#"{"nested":{"list":[1,2.5,null,true,"\u0000 quote \" backslash \"]}}"#.utf8),
                Data("[]".utf8),
            ]
            let metadata = [
                EventMetadata(),
                EventMetadata(correlationID: "corr-1", causationID: "cause-1"),
                EventMetadata(correlationID: "corr-2", custom: ["user": "ada", "tenant": "🚀 acme", "empty": ""]),
            ]
            let events = zip(payloads, metadata).map { NewEvent(type: "Mixed.Type/v2", data: $0, metadata: $1) }
            _ = try await store.append(events, to: stream, expecting: .noStream)
            let read = try await store.readStream(stream)
            #expect(read.map(\.data) == payloads)
            #expect(read.map(\.metadata) == metadata)
            #expect(read.map(\.type) == Array(repeating: "Mixed.Type/v2", count: 3))
        }
    }
}
