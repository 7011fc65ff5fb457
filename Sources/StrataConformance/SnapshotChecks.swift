//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Synchronization
import Testing

enum SnapshotChecks {
    static let all: [EventStoreConformanceCheck] = [
        EventStoreConformanceCheck("a handler snapshots every N events and loads from the snapshot plus later events", everyNEvents),
        EventStoreConformanceCheck(
            "a corrupt snapshot is logged and ignored, the aggregate is rebuilt from events and the snapshot replaced", corruptSnapshot),
        EventStoreConformanceCheck("a snapshot of another schema version is never decoded, and is replaced", schemaChange),
        EventStoreConformanceCheck("on-demand and slow-load snapshots; a stream truncated behind a snapshot still loads", onDemandAndTruncation),
    ]

    static func handler(
        _ store: any EventStore,
        schemaVersion: Int = 1,
        policy: SnapshotPolicy,
        logger: LogRecorder = LogRecorder()
    ) throws -> CommandHandler<TestAccount> {
        let snapshots = try #require(store as? any SnapshotStore)
        return CommandHandler(
            store: store,
            decider: TestAccount(),
            snapshotting: Snapshotting(store: snapshots, kind: "account", schemaVersion: schemaVersion, policy: policy),
            logger: logger.logger
        )
    }

    static func everyNEvents(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let snapshots = try #require(store as? any SnapshotStore)
            let accounts = try handler(store, policy: .every(5))
            let stream = uniqueStream("account")
            _ = try await accounts.handle(.open(owner: "Ada"), on: stream)
            for amount in 1...3 { _ = try await accounts.handle(.deposit(amount: amount), on: stream) }
            #expect(try await snapshots.snapshot(of: stream, kind: "account") == nil, "4 events are below the interval")
            let fifth = try await accounts.handle(.deposit(amount: 4), on: stream)
            let snapshot = try #require(try await snapshots.snapshot(of: stream, kind: "account"))
            #expect(snapshot.version == 4)
            #expect(snapshot.position == fifth.position)
            #expect(try JSONDecoder().decode(TestAccount.State.self, from: snapshot.data) == TestAccount.State(owner: "Ada", balance: 10))

            for amount in 5...8 { _ = try await accounts.handle(.deposit(amount: amount), on: stream) }
            #expect(try await snapshots.snapshot(of: stream, kind: "account")?.version == 4)
            _ = try await accounts.handle(.deposit(amount: 9), on: stream)
            #expect(try await snapshots.snapshot(of: stream, kind: "account")?.version == 9)

            // The snapshot is what loading starts from: a doctored one shows through, proving the events before it
            // were not read.
            var doctored = try #require(try await snapshots.snapshot(of: stream, kind: "account"))
            doctored.data = try JSONEncoder().encode(TestAccount.State(owner: "Ada", balance: 1000))
            try await snapshots.saveSnapshot(doctored)
            _ = try await accounts.handle(.deposit(amount: 1), on: stream)
            let loaded = try await accounts.load(stream)
            #expect(loaded.state.balance == 1001)
            #expect(loaded.version == 10)
            #expect(try await store.readStream(stream).count == 11, "snapshots never change the log")
        }
    }

    static func corruptSnapshot(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let snapshots = try #require(store as? any SnapshotStore)
            let log = LogRecorder()
            let accounts = try handler(store, policy: .every(100), logger: log)
            let stream = uniqueStream("account")
            _ = try await accounts.handle(.open(owner: "Ada"), on: stream)
            _ = try await accounts.handle(.deposit(amount: 7), on: stream)
            try await snapshots.saveSnapshot(
                Snapshot(stream: stream, kind: "account", version: 1, position: 1, schemaVersion: 1, data: Data("not json".utf8))
            )
            let loaded = try await accounts.load(stream)
            #expect(loaded.state == TestAccount.State(owner: "Ada", balance: 7))
            #expect(loaded.version == 1)
            #expect(log.messages(atLeast: .warning).contains { $0.contains("does not decode") })
            let replaced = try #require(try await snapshots.snapshot(of: stream, kind: "account"))
            #expect(try JSONDecoder().decode(TestAccount.State.self, from: replaced.data) == loaded.state, "the corrupt snapshot is replaced")
            let deposited = try await accounts.handle(.deposit(amount: 1), on: stream)
            #expect(deposited.streamVersion == 2)
        }
    }

    static func schemaChange(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let snapshots = try #require(store as? any SnapshotStore)
            let version1 = try handler(store, schemaVersion: 1, policy: .every(2))
            let stream = uniqueStream("account")
            _ = try await version1.handle(.open(owner: "Ada"), on: stream)
            _ = try await version1.handle(.deposit(amount: 5), on: stream)
            #expect(try await snapshots.snapshot(of: stream, kind: "account")?.schemaVersion == 1)

            // Version 2 reads the state in another shape: decoding version 1 data with it would be wrong.
            let decodedWrongly = SnapshotFlag()
            let version2 = CommandHandler(
                store: store,
                decider: TestAccount(),
                snapshotting: Snapshotting<TestAccount.State>(
                    store: snapshots,
                    kind: "account",
                    schemaVersion: 2,
                    policy: .every(2),
                    encode: { try JSONEncoder().encode($0) },
                    decode: { data in
                        decodedWrongly.set()
                        return try JSONDecoder().decode(TestAccount.State.self, from: data)
                    }
                )
            )
            let loaded = try await version2.load(stream)
            #expect(loaded.state == TestAccount.State(owner: "Ada", balance: 5))
            #expect(!decodedWrongly.isSet, "a snapshot of schema version 1 was handed to the version 2 decoder")
            #expect(try await snapshots.snapshot(of: stream, kind: "account")?.schemaVersion == 2, "the old snapshot is replaced")
        }
    }

    static func onDemandAndTruncation(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let snapshots = try #require(store as? any SnapshotStore)
            let accounts = try handler(store, policy: .onDemand)
            let stream = uniqueStream("account")
            _ = try await accounts.handle(.open(owner: "Grace"), on: stream)
            for amount in 1...20 { _ = try await accounts.handle(.deposit(amount: amount), on: stream) }
            #expect(try await snapshots.snapshot(of: stream, kind: "account") == nil, "on demand never snapshots by itself")
            let taken = try #require(try await accounts.takeSnapshot(of: stream))
            #expect(taken.version == 20)

            try await store.truncateStream(stream, before: 21)
            let loaded = try await accounts.load(stream)
            #expect(loaded.state == TestAccount.State(owner: "Grace", balance: 210))
            #expect(loaded.version == 20)
            let next = try await accounts.handle(.deposit(amount: 1), on: stream)
            #expect(next.streamVersion == 21)
            #expect(try await accounts.load(stream).state.balance == 211)
            #expect(try await store.readStream(stream).map(\.version) == [21])

            let slow = try handler(store, policy: .whenLoadingTakesLongerThan(.zero))
            let other = uniqueStream("account")
            _ = try await slow.handle(.open(owner: "Alan"), on: other)
            _ = try await slow.load(other)
            #expect(try await snapshots.snapshot(of: other, kind: "account")?.version == 0, "a slow load snapshots")
            #expect(try await accounts.takeSnapshot(of: uniqueStream("account")) == nil, "no events, no snapshot")
        }
    }
}

/// A flag a Sendable closure can raise.
final class SnapshotFlag: Sendable {
    private let raised = Mutex(false)
    func set() { raised.withLock { $0 = true } }
    var isSet: Bool { raised.withLock { $0 } }
}
