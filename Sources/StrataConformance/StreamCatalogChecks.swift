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
    ]

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
