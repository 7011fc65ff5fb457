//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

enum StreamCatalogChecks {
    static let all: [EventStoreConformanceCheck] = [
        EventStoreConformanceCheck("streams list in id order, by category, in pages, with their versions and deletions", listStreams),
        EventStoreConformanceCheck("statistics count events and streams and report the head", statistics),
        EventStoreConformanceCheck(
            "events are found by correlation id across streams, in position order and in pages, deleted streams' too", correlatedEvents),
        EventStoreConformanceCheck("categories list in name order, in pages, each with its last event", listCategories),
        EventStoreConformanceCheck("an event is found by its id wherever it is, a deleted stream's too; an unknown id finds none", eventByID),
        EventStoreConformanceCheck("recording times come newest first, from a given time, among the last events only", recordingTimes),
    ]

    static func listCategories(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let catalog = try #require(store as? any StreamCatalog, "every Strata backend is a StreamCatalog")
            // Names no other check makes, each sorting after `base`; `b` has several streams, and its last event is
            // not in its last stream.
            let base = "k\(UUID().uuidString.prefix(8).lowercased())"
            let (a, b, c) = (base + "a", base + "b", base + "c")
            let first = try await store.append([event(n: 1)], to: StreamID(category: b, id: "1"), expecting: .noStream)
            _ = try await store.append([event(n: 2), event(n: 3)], to: StreamID(category: c, id: "1"), expecting: .noStream)
            _ = try await store.append([event(n: 4)], to: StreamID(category: a, id: "1"), expecting: .noStream)
            _ = try await store.append([event(n: 5)], to: StreamID(category: b, id: "2"), expecting: .noStream)
            let lastOfB = try await store.append([event(n: 6)], to: StreamID(category: b, id: "1"), expecting: .any)
            let lastOfA = try await store.append([event(n: 7)], to: StreamID(category: a, id: "1"), expecting: .any)
            let lastOfC = GlobalPosition(first.position.value + 2)
            #expect(try await store.readAll(from: lastOfC, limit: 1).first?.stream.category == c)

            let listed = Array(try await catalog.listCategories(after: base, limit: 100).prefix(3))
            #expect(listed.map(\.name) == [a, b, c])
            #expect(listed.map(\.lastPosition) == [lastOfA.position, lastOfB.position, lastOfC])
            let recorded = try await store.readAll(from: lastOfB.position, limit: 1)
            #expect(listed.dropFirst().first?.lastRecordedAt == recorded.first?.recordedAt)

            let firstPage = try await catalog.listCategories(after: base, limit: 2)
            let secondPage = try await catalog.listCategories(after: firstPage.last?.name, limit: 1)
            #expect(firstPage.map(\.name) == [a, b])
            #expect(secondPage.map(\.name) == [c])
            #expect(try await catalog.listCategories(after: base, limit: 0).isEmpty)
            let everything = try await catalog.listCategories(after: nil, limit: 100_000)
            #expect(everything.map(\.name).filter { $0.hasPrefix(base) } == [a, b, c])
            #expect(everything.map(\.name) == everything.map(\.name).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        }
    }

    static func eventByID(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let catalog = try #require(store as? any StreamCatalog, "every Strata backend is a StreamCatalog")
            let stream = uniqueStream("found")
            let metadata = EventMetadata(correlationID: "request-\(UUID())", causationID: UUID().uuidString)
            let (cause, effect) = (event(n: 1), event(n: 2, metadata: metadata))
            let appended = try await store.append([cause, effect], to: stream, expecting: .noStream)
            _ = try await store.deleteStream(stream, expecting: .any)

            let found = try #require(try await catalog.event(id: effect.id))
            #expect(found.id == effect.id)
            #expect(found.stream == stream)
            #expect(found.position == appended.position)
            #expect(found.version == StreamVersion(1))
            #expect(try number(of: found) == 2)
            #expect(found.metadata.correlationID == metadata.correlationID)
            #expect(found.metadata.causationID == metadata.causationID)
            #expect(try await catalog.event(id: cause.id)?.position == GlobalPosition(appended.position.value - 1))
            #expect(try await catalog.event(id: UUID()) == nil)
        }
    }

    static func recordingTimes(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let catalog = try #require(store as? any StreamCatalog, "every Strata backend is a StreamCatalog")
            let stream = uniqueStream()
            _ = try await store.append([event(n: 1)], to: stream, expecting: .noStream)
            _ = try await store.append([event(n: 2)], to: stream, expecting: .any)
            _ = try await store.append([event(n: 3)], to: stream, expecting: .any)
            let times = try await store.readStream(stream, from: StreamVersion(2), direction: .backwards, limit: 3).map(\.recordedAt)
            #expect(times.count == 3)

            #expect(try await catalog.recordingTimes(since: .distantPast, amongLast: 3) == times)
            #expect(try await catalog.recordingTimes(since: .distantPast, amongLast: 2) == Array(times.prefix(2)))
            #expect(try await catalog.recordingTimes(since: times[1], amongLast: 3) == Array(times.prefix(2)))
            #expect(try await catalog.recordingTimes(since: Date().addingTimeInterval(3600), amongLast: 3).isEmpty)
            #expect(try await catalog.recordingTimes(since: .distantPast, amongLast: 0).isEmpty)
        }
    }

    static func correlatedEvents(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let catalog = try #require(store as? any StreamCatalog, "every Strata backend is a StreamCatalog")
            let (request, other) = ("request-\(UUID())", "request-\(UUID())")
            let (order, payment, customer) = (uniqueStream("order"), uniqueStream("payment"), uniqueStream("customer"))
            var caused: [GlobalPosition] = []
            caused.append(
                try await store.append([event(n: 1, metadata: EventMetadata(correlationID: request))], to: order, expecting: .noStream).position)
            _ = try await store.append([event(n: 2, metadata: EventMetadata(correlationID: other))], to: customer, expecting: .noStream)
            _ = try await store.append([event(n: 3)], to: customer, expecting: .any)
            let two = try await store.append(
                [
                    event(n: 4, metadata: EventMetadata(correlationID: request, causationID: "c")),
                    event(n: 5, metadata: EventMetadata(correlationID: request)),
                ],
                to: payment, expecting: .noStream)
            caused += [GlobalPosition(two.position.value - 1), two.position]
            _ = try await store.deleteStream(payment, expecting: .any)

            let found = try await catalog.events(correlatedWith: request, from: .start, limit: 100)
            #expect(found.map(\.position) == caused)
            #expect(found.map(\.stream) == [order, payment, payment])
            #expect(found.allSatisfy { $0.metadata.correlationID == request })
            #expect(found.dropFirst().first?.metadata.causationID == "c")
            let firstPage = try await catalog.events(correlatedWith: request, from: .start, limit: 2)
            let rest = try await catalog.events(correlatedWith: request, from: firstPage.last.map { $0.position.next } ?? .start, limit: 2)
            #expect((firstPage + rest).map(\.position) == caused)
            #expect(try await catalog.events(correlatedWith: other, from: .start, limit: 100).map(\.stream) == [customer])
            #expect(try await catalog.events(correlatedWith: "request-\(UUID())", from: .start, limit: 100).isEmpty)
            #expect(try await catalog.events(correlatedWith: request, from: .start, limit: 0).isEmpty)
        }
    }

    static func listStreams(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let catalog = try #require(store as? any StreamCatalog, "every Strata backend is a StreamCatalog")
            let category = "cat\(UUID().uuidString.prefix(8).lowercased())"
            let streams = (0..<5).map { StreamID(category: category, id: "s\($0)") }
            for (index, stream) in streams.enumerated() {
                _ = try await store.append((0...index).map { event(n: $0) }, to: stream, expecting: .noStream)
            }
            _ = try await store.append([event()], to: uniqueStream("elsewhere"), expecting: .noStream)
            let deletion = try await store.deleteStream(streams[1], expecting: .any)

            let listed = try await catalog.listStreams(category: category, after: nil, limit: 100)
            #expect(listed.map(\.stream) == streams)
            #expect(listed.map(\.eventCount) == [1, 3, 3, 4, 5], "a deletion is an event of its stream")
            #expect(listed.map(\.version.value) == [0, 2, 2, 3, 4])
            #expect(listed.map(\.isDeleted) == [false, true, false, false, false])
            #expect(listed[1].lastPosition == deletion.position)
            let head = try await store.headPosition()
            #expect(listed.allSatisfy { $0.lastPosition <= head })

            let firstPage = try await catalog.listStreams(category: category, after: nil, limit: 2)
            let secondPage = try await catalog.listStreams(category: category, after: firstPage.last?.stream, limit: 2)
            #expect(firstPage.map(\.stream) == Array(streams[0..<2]))
            #expect(secondPage.map(\.stream) == Array(streams[2..<4]))
            #expect(try await catalog.listStreams(category: "\(category)none", after: nil, limit: 10).isEmpty)

            // By id prefix: exact (case, `%` and `_` as themselves), pageable, and not fooled by a category whose
            // name starts with this one's.
            let longer = StreamID(category: category + "x", id: "s1")
            _ = try await store.append([event()], to: longer, expecting: .noStream)
            let prefixed = try await catalog.listStreams(category: nil, prefix: "\(category)-s", after: nil, limit: 100)
            #expect(prefixed.map(\.stream) == streams)
            #expect(try await catalog.listStreams(category: nil, prefix: "\(category)-s3", after: nil, limit: 100).map(\.stream) == [streams[3]])
            #expect(try await catalog.listStreams(category: nil, prefix: category, after: nil, limit: 100).map(\.stream) == streams + [longer])
            for miss in ["\(category)-S", "\(category)-_", "\(category)-%", "\(category)%", "\(category)-s3x"] {
                #expect(try await catalog.listStreams(category: nil, prefix: miss, after: nil, limit: 100).isEmpty, "\(miss)")
            }
            let afterTwo = try await catalog.listStreams(category: category, prefix: "\(category)-s", after: streams[1], limit: 2)
            #expect(afterTwo.map(\.stream) == Array(streams[2..<4]))
        }
    }

    static func statistics(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let catalog = try #require(store as? any StreamCatalog, "every Strata backend is a StreamCatalog")
            let before = try await catalog.statistics()
            _ = try await store.append([event(n: 1), event(n: 2)], to: uniqueStream(), expecting: .noStream)
            let appended = try await store.append([event(n: 3)], to: uniqueStream(), expecting: .noStream)
            let after = try await catalog.statistics()
            #expect(after.eventCount == before.eventCount + 3)
            #expect(after.streamCount == before.streamCount + 2)
            #expect(after.head == appended.position)
            let recordedAt = try #require(after.headRecordedAt)
            #expect(abs(recordedAt.timeIntervalSinceNow) < 60)
        }
    }
}
