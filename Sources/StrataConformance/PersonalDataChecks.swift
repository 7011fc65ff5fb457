//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

enum PersonalDataChecks {
    static let all: [EventStoreConformanceCheck] = [
        EventStoreConformanceCheck("personal fields are encrypted at rest and read back plain through every read", encryptedAtRest),
        EventStoreConformanceCheck("a forgotten subject's fields read as redacted everywhere, never throwing, the log untouched", forgetting),
        EventStoreConformanceCheck(
            "the digest secret is made once, shared by concurrent first callers, kept when subjects are forgotten", digestSecret),
    ]

    struct Registered: DomainEvent, Equatable {
        static let eventType = "CustomerRegistered"
        var name: String
        var email: String
        var age: Int?
        var tier: String
    }

    static let rules = [
        PersonalDataRule(Registered.self, fields: ["name", "email", "age"]),
        PersonalDataRule(TestAccount.Opened.self, fields: ["owner"]),
    ]

    static func registered(_ name: String) -> Registered {
        Registered(name: name, email: "\(name.lowercased())@example.com", age: 36, tier: "gold")
    }

    static func encryptedAtRest(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            try await encryptedAtRest(store, keys: try #require(store as? any SubjectKeyStore))
        }
    }

    private static func encryptedAtRest<Base: EventStore>(_ base: Base, keys: any SubjectKeyStore) async throws {
        let store = ProtectedEventStore(base, keys: keys, rules: rules)
        let codec = EventRegistry(Registered.self)
        let stream = uniqueStream("customer")
        let ada = registered("Ada")
        let appended = try await store.append([try codec.newEvent(ada)], to: stream, expecting: .noStream)

        let raw = try await base.readStream(stream)
        let rawText = String(decoding: raw[0].data, as: UTF8.self)
        #expect(!rawText.contains("Ada") && !rawText.contains("example.com"), "stored in clear: \(rawText)")
        let stored = try JSONValue(parsing: raw[0].data)
        for field in ["name", "email", "age"] {
            #expect(stored[field]?["$strata.encrypted"]?.stringValue != nil, "\(field) is not encrypted: \(rawText)")
        }
        #expect(stored["tier"] == "gold", "fields without personal data stay plain")
        #expect(raw[0].metadata.custom["strata.subject"] == stream.rawValue)

        #expect(try codec.decode(try await store.readStream(stream)[0]) as? Registered == ada)
        let logged = try await store.readAll(from: .start, limit: 100).filter { $0.stream == stream }
        #expect(try codec.decode(logged[0]) as? Registered == ada)
        let delivered: RecordedEvent? = try await withDeadline(10, waitingFor: "the subscription") {
            for try await event in store.subscribeToAll(from: appended.position) { return event }
            return nil
        }
        #expect(try delivered.map { try codec.decode($0) } as? Registered == ada)

        // Commands, idempotent ones included, go through the same encryption.
        let accounts = CommandHandler(store: store, decider: TestAccount())
        let account = uniqueStream("account")
        _ = try await accounts.handle(.open(owner: "Grace Hopper"), on: account, idempotencyKey: "open-\(account)")
        #expect(!String(decoding: try await base.readStream(account)[0].data, as: UTF8.self).contains("Grace"))
        #expect(try await accounts.load(account).state.owner == "Grace Hopper")
    }

    static func digestSecret(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            try await digestSecret(store, keys: try #require(store as? any SubjectKeyStore))
        }
    }

    private static func digestSecret<Base: EventStore>(_ base: Base, keys: any SubjectKeyStore) async throws {
        let secrets = try await withThrowingTaskGroup(of: Data.self) { group in
            for _ in 0..<4 { group.addTask { try await keys.digestSecret() } }
            return try await group.reduce(into: [Data]()) { $0.append($1) }
        }
        #expect(Set(secrets).count == 1, "concurrent first calls got different secrets")
        let secret = try #require(secrets.first)
        #expect(secret.count == 32)
        #expect(Set(secret).count > 1, "the secret is not random")

        try await keys.forgetSubject(uniqueStream("customer").rawValue)
        #expect(try await keys.digestSecret() == secret, "forgetting a subject changed the digest secret")

        // Digests are keyed by it: the same through a protected store, different under another store's secret.
        let digest = try await PersonalDataDigester(keys: keys).hexDigest(of: "ada@example.com")
        #expect(digest.count == 64)
        let protected = ProtectedEventStore(base, keys: keys, rules: rules)
        #expect(try await protected.digester.hexDigest(of: "ada@example.com") == digest)
        #expect(try await PersonalDataDigester.of(protected)?.hexDigest(of: "ada@example.com") == digest)
        #expect(try await PersonalDataDigester(keys: InMemoryEventStore()).hexDigest(of: "ada@example.com") != digest)
    }

    static func forgetting(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            try await forgetting(store, keys: try #require(store as? any SubjectKeyStore))
        }
    }

    private static func forgetting<Base: EventStore>(_ base: Base, keys: any SubjectKeyStore) async throws {
        let store = ProtectedEventStore(base, keys: keys, rules: rules)
        let codec = EventRegistry(Registered.self)
        let forgotten = uniqueStream("customer")
        let kept = uniqueStream("customer")
        _ = try await store.append([try codec.newEvent(registered("Ada"))], to: forgotten, expecting: .noStream)
        _ = try await store.append([try codec.newEvent(registered("Bob"))], to: kept, expecting: .noStream)
        let accounts = CommandHandler(
            store: store,
            decider: TestAccount(),
            snapshotting: Snapshotting(store: try #require(base as? any SnapshotStore), kind: "account", policy: .every(1))
        )
        let account = uniqueStream("account")
        _ = try await accounts.handle(.open(owner: "Ada"), on: account)
        _ = try await accounts.handle(.deposit(amount: 5), on: account)
        #expect(try await (base as? any SnapshotStore)?.snapshot(of: account, kind: "account") != nil)
        let before = try await base.readAll(from: .start, limit: 100)

        #expect(try await store.forget(forgotten.rawValue))
        try await store.forget(account.rawValue)

        let redacted = try codec.decode(try await store.readStream(forgotten)[0]) as? Registered
        #expect(redacted == Registered(name: "[redacted]", email: "[redacted]", age: nil, tier: "gold"))
        #expect(try codec.decode(try await store.readStream(kept)[0]) as? Registered == registered("Bob"), "other subjects are untouched")
        let log = try await store.readAll(from: .start, limit: 100)
        #expect(log.map(\.position) == before.map(\.position))
        #expect(log.map(\.version) == before.map(\.version))
        #expect(log.map(\.id) == before.map(\.id))
        let delivered = try await withDeadline(10, waitingFor: "the subscription") {
            var events: [RecordedEvent] = []
            for try await event in store.subscribeToAll(from: .start) {
                events.append(event)
                if events.count == before.count { break }
            }
            return events
        }
        let viaSubscription = try codec.decode(delivered.filter { $0.stream == forgotten }, unknownTypes: .skip)
        #expect(viaSubscription.first as? Registered == redacted)

        #expect(try await (base as? any SnapshotStore)?.snapshot(of: account, kind: "account") == nil, "forgetting drops decrypted snapshots")
        let loaded = try await accounts.load(account)
        #expect(loaded.state.owner == "[redacted]")
        #expect(loaded.state.balance == 5, "the rest of the aggregate is intact")
        _ = try await accounts.handle(.deposit(amount: 1), on: account)

        let refused = await #expect(throws: PersonalDataError.self) {
            try await store.append([try codec.newEvent(registered("Ada"))], to: forgotten, expecting: .any)
        }
        #expect(refused?.code == .subjectForgotten)
    }
}
