//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

enum DurabilityChecks {
    static let all: [EventStoreConformanceCheck] = [
        EventStoreConformanceCheck(
            "after reopening, the store reads exactly what was written and continues from it", requiresDurableStore: true, reopen)
    ]

    static func reopen(_ backend: any ConformanceBackend) async throws {
        var store = try await backend.makeStore()
        let streams = (0..<5).map { _ in uniqueStream() }
        for (index, stream) in streams.enumerated() {
            _ = try await store.append(
                (0...index).map { event("Type\($0)", n: $0, metadata: EventMetadata(correlationID: "c\($0)", custom: ["k": "\(index)"])) },
                to: stream,
                expecting: .noStream
            )
        }
        let written = try await readWholeLog(store)
        store = try await backend.reopen(store)
        let reread = try await readWholeLog(store)
        #expect(reread == written)
        #expect(try await store.currentVersion(of: streams[4]) == 4)
        let next = try await store.append([event()], to: streams[0], expecting: .exactly(0))
        #expect(next.streamVersion == 1)
        #expect(next.position == written[written.count - 1].position.next)
        try await backend.dispose(store)
    }
}
