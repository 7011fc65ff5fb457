//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Testing

@testable import Strata

@Suite("Keyed fingerprints of idempotent commands", .timeLimit(.minutes(5)))
struct KeyedFingerprintTests {
    struct Greeted: DomainEvent, Equatable {
        static let eventType = "Greeted"
        var name: String
    }

    /// Greets someone by name: a command that carries personal data.
    struct Greeter: Decider {
        enum Command: Sendable, Encodable { case greet(name: String) }
        let initialState = 0
        let codec = EventRegistry(Greeted.self)

        func decide(_ command: Command, state: Int) throws -> [any DomainEvent] {
            switch command {
            case .greet(let name): [Greeted(name: name)]
            }
        }

        func evolve(_ state: Int, event: any DomainEvent) -> Int { state + 1 }
    }

    @Test("the stored fingerprint is an HMAC under the store's digest secret, not a digest anyone can recompute")
    func keyed() async throws {
        let store = InMemoryEventStore()
        let greeter = CommandHandler(store: store, decider: Greeter())
        let command = Greeter.Command.greet(name: "Ada Lovelace")
        _ = try await greeter.handle(command, on: "greeting-1", idempotencyKey: "k1")
        let stored = try #require(try await store.commandOutcome(forKey: "k1", recordedSince: .distantPast))
        let unkeyed = try await CommandFingerprint.of(command, on: "greeting-1", expectedVersion: nil, digester: nil)
        #expect(stored.fingerprint != unkeyed.plain)
        let keyed = try await CommandFingerprint.of(command, on: "greeting-1", expectedVersion: nil, digester: PersonalDataDigester(keys: store))
        #expect(stored.fingerprint == keyed.keyed)

        // Another store, another secret: the same command has another fingerprint.
        let elsewhere = try await CommandFingerprint.of(
            command, on: "greeting-1", expectedVersion: nil, digester: PersonalDataDigester(keys: InMemoryEventStore()))
        #expect(elsewhere.keyed != stored.fingerprint)
    }

    @Test("an outcome recorded with a plain fingerprint, before fingerprints were keyed, still replays")
    func unkeyedOutcomesReplay() async throws {
        let store = InMemoryEventStore()
        let greeter = CommandHandler(store: store, decider: Greeter())
        let command = Greeter.Command.greet(name: "Grace Hopper")
        let unkeyed = try await CommandFingerprint.of(command, on: "greeting-2", expectedVersion: nil, digester: nil)
        let record = CommandOutcomeRecord(
            key: "k2",
            fingerprint: unkeyed.plain,
            stream: "greeting-2",
            outcome: Data(#"{"kind":"unchanged"}"#.utf8),
            streamVersion: nil,
            position: .start,
            recordedAt: Date()
        )
        _ = try await store.recordCommandOutcome(record, appending: nil, replacingOutcomesBefore: .distantPast)

        let replayed = try await greeter.handle(command, on: "greeting-2", idempotencyKey: "k2")
        #expect(replayed.isReplay)
        await #expect(throws: IdempotencyKeyReuse.self) {
            try await greeter.handle(.greet(name: "Someone Else"), on: "greeting-2", idempotencyKey: "k2")
        }
    }
}
