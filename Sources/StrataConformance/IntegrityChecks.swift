//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

enum IntegrityChecks {
    static let all: [EventStoreConformanceCheck] = [
        // A store's own tables are what the checks read: one kept in memory has none (hence "durable").
        EventStoreConformanceCheck(
            "a store checks its own integrity, and every check holds after appends, deletions, truncations and keyed commands",
            requiresDurableStore: true,
            healthyStore
        )
    ]

    static func healthyStore(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let checking = try #require(store as? any IntegrityChecking, "a store in a database checks its own integrity")
            let streams = (0..<4).map { _ in uniqueStream("integrity") }
            // Concurrent appends, so that group commit writes batches of several streams.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, stream) in streams.enumerated() {
                    group.addTask { _ = try await store.append((0...index).map { event(n: $0) }, to: stream, expecting: .noStream) }
                }
                try await group.waitForAll()
            }
            _ = try await store.deleteStream(streams[1], expecting: .any)
            try await store.truncateStream(streams[3], before: 2)
            let accounts = CommandHandler(store: store, decider: TestAccount())
            _ = try await accounts.handle(.open(owner: "Ada"), on: uniqueStream("account"), idempotencyKey: UUID().uuidString)

            let checks = try await checking.checkIntegrity(examples: 5)
            let names = Set(checks.map(\.name))
            for required in [
                IntegrityCheckName.gapFreePositions, IntegrityCheckName.contiguousVersions, IntegrityCheckName.streamOrder,
                IntegrityCheckName.uniqueEventIDs, IntegrityCheckName.streamRecords,
            ] {
                #expect(names.contains(required), "the \(required) check is made")
            }
            for check in checks {
                #expect(check.holds, "\(check.name): \(check.examples)")
            }
        }
    }
}
