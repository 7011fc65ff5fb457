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
        ),
        EventStoreConformanceCheck(
            "a log imported into an empty store reads back as recorded, and an import that does not continue the log writes nothing",
            requiresDurableStore: true,
            transfer
        ),
        EventStoreConformanceCheck(
            "snapshots and command outcomes read a page at a time in order, and import exactly, replacing what the target has",
            requiresDurableStore: true,
            commandStateTransfer
        ),
    ]

    static func commandStateTransfer(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { source in
            let exporter = try #require(source as? any CommandStateTransfer, "a store in a database can export its command side's state")
            let (first, second) = (uniqueStream("snapshota"), uniqueStream("snapshotb"))
            let takenAt = Date(timeIntervalSinceReferenceDate: 800_000_000.125)
            let snapshots = [
                Snapshot(stream: first, kind: "account", version: 4, position: 9, schemaVersion: 2, data: Data([0, 1, 255]), takenAt: takenAt),
                Snapshot(stream: second, kind: "account", version: 1, position: 3, schemaVersion: 1, data: Data("{}".utf8), takenAt: takenAt),
                Snapshot(stream: first, kind: "audit", version: 7, position: 12, schemaVersion: 1, data: Data(), takenAt: takenAt),
            ]
            for snapshot in snapshots { try await exporter.saveSnapshot(snapshot) }
            let recordedAt = Date(timeIntervalSinceReferenceDate: 800_000_100.5)
            let outcomes = [
                CommandOutcomeRecord(
                    key: "k-\(UUID())", fingerprint: "f1", stream: first, outcome: Data([7, 0]), streamVersion: 4, position: 9, recordedAt: recordedAt
                ),
                CommandOutcomeRecord(
                    key: "k-\(UUID())", fingerprint: "f2", stream: second, outcome: Data("{\"ok\":true}".utf8), streamVersion: nil, position: 0,
                    recordedAt: recordedAt),
            ]
            for outcome in outcomes { _ = try await exporter.recordCommandOutcome(outcome, appending: nil, replacingOutcomesBefore: .distantPast) }

            // One a page: the cursor of each page starts the next, in (kind, stream) and key order.
            var paged: [Snapshot] = []
            var cursor: SnapshotCursor?
            while let next = try await exporter.snapshots(after: cursor, limit: 1).first {
                paged.append(next)
                cursor = SnapshotCursor(kind: next.kind, stream: next.stream)
            }
            let ordered = snapshots.sorted { ($0.kind, $0.stream.rawValue) < ($1.kind, $1.stream.rawValue) }
            #expect(paged == ordered)
            var pagedOutcomes: [CommandOutcomeRecord] = []
            var afterKey: String?
            while let next = try await exporter.commandOutcomes(after: afterKey, limit: 1).first {
                pagedOutcomes.append(next)
                afterKey = next.key
            }
            #expect(pagedOutcomes == outcomes.sorted { $0.key < $1.key })

            try await withStore(backend) { target in
                let importer = try #require(target as? any CommandStateTransfer)
                // What the target has is replaced, even by an older snapshot of another schema.
                try await importer.saveSnapshot(
                    Snapshot(stream: first, kind: "account", version: 40, position: 90, schemaVersion: 2, data: Data("newer".utf8), takenAt: takenAt))
                try await importer.importSnapshots(paged)
                try await importer.importCommandOutcomes(pagedOutcomes)
                #expect(try await importer.snapshots(after: nil, limit: 10) == ordered)
                #expect(try await importer.snapshot(of: first, kind: "account") == snapshots[0])
                #expect(try await importer.commandOutcomes(after: nil, limit: 10) == pagedOutcomes)
                #expect(try await importer.commandOutcome(forKey: outcomes[1].key, recordedSince: .distantPast) == outcomes[1])
            }
        }
    }

    static func transfer(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { source in
            let exporter = try #require(source as? any LogTransfer, "a store in a database can export its log")
            let streams = (0..<3).map { _ in uniqueStream("transfer") }
            for (index, stream) in streams.enumerated() {
                let metadata = EventMetadata(correlationID: "c-\(index)", custom: ["n": "\(index)"])
                _ = try await source.append((0...index).map { event(n: $0, metadata: metadata) }, to: stream, expecting: .noStream)
            }
            _ = try await source.deleteStream(streams[0], expecting: .any)
            try await source.truncateStream(streams[2], before: 1)
            let log = try await source.readAll(from: .start, limit: 100)
            let records = try await exporter.streamRecords(after: nil, limit: 100)
            #expect(records.count == 2)

            try await withStore(backend) { target in
                let importer = try #require(target as? any LogTransfer)
                // An import that starts past the head, or whose positions skip, is refused whole.
                await #expect(throws: EventStoreError.self) { try await importer.importEvents(Array(log.dropFirst())) }
                var skipping = Array(log.prefix(3))
                skipping[2].position = GlobalPosition(9)
                await #expect(throws: EventStoreError.self) { try await importer.importEvents(skipping) }
                #expect(try await target.headPosition() == .start)

                try await importer.importEvents(Array(log.prefix(4)))
                // A version already taken is refused, with the rest of its batch.
                var taken = Array(log.dropFirst(4))
                taken[0].stream = log[3].stream
                taken[0].version = log[3].version
                await #expect(throws: EventStoreError.self) { try await importer.importEvents(taken) }
                #expect(try await target.headPosition() == log[3].position)

                try await importer.importEvents(Array(log.dropFirst(4)))
                try await importer.importStreamRecords(records)
                let copied = try await target.readAll(from: .start, limit: 100)
                #expect(copied.map(\.id) == log.map(\.id))
                #expect(copied.map(\.position) == log.map(\.position))
                #expect(copied.map(\.stream) == log.map(\.stream))
                #expect(copied.map(\.version) == log.map(\.version))
                #expect(copied.map(\.data) == log.map(\.data))
                #expect(copied.map(\.metadata) == log.map(\.metadata))
                #expect(zip(copied, log).allSatisfy { abs($0.recordedAt.timeIntervalSince($1.recordedAt)) < 0.000_001_5 })
                #expect(try await importer.streamRecords(after: nil, limit: 100) == records)
                #expect(try await target.headPosition() == log.last?.position)
                // The copy behaves as the original: the deleted stream is gone, the truncated one reads from 1.
                #expect(try await target.readStream(streams[0]).isEmpty)
                #expect(try await target.readStream(streams[2]).map(\.version.value) == [1, 2])
                await #expect(throws: EventStoreError.self) { try await target.append([event()], to: streams[0], expecting: .any) }
                let next = try await target.append([event()], to: streams[1], expecting: .any)
                #expect(next.position.value == (log.last?.position.value ?? 0) + 1, "appends continue the imported log")
                if let source = exporter as? any ProcessStateTransfer, let target = importer as? any ProcessStateTransfer {
                    try await source.saveProcessCheckpoint("transfer", position: GlobalPosition(3))
                    let due = Date(timeIntervalSinceReferenceDate: 800_000_000.25)
                    let scheduled = ScheduledCommand(
                        id: "scheduled-\(UUID())", owner: "transfer", processID: "p", name: "deadline", dueAt: due, command: Data("{}".utf8),
                        metadata: EventMetadata(correlationID: "c")
                    )
                    try await source.schedule(scheduled)
                    try await target.importProcessCheckpoints(try await source.processCheckpoints())
                    try await target.importScheduledCommands(try await source.scheduledCommands(after: nil, limit: 10))
                    #expect(try await target.processCheckpoints() == ["transfer": GlobalPosition(3)])
                    #expect(
                        try await target.scheduledCommands(after: nil, limit: 10) == [ScheduledCommandRecord(command: scheduled, status: .pending)])
                    #expect(
                        try await target.dueScheduledCommands(owner: "transfer", dueBy: due, limit: 10) == [scheduled])
                }
                if let checking = target as? any IntegrityChecking {
                    #expect(try await checking.checkIntegrity(examples: 1).allSatisfy(\.holds))
                }
            }
        }
    }

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
