//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

enum IdempotencyChecks {
    static let all: [EventStoreConformanceCheck] = [
        EventStoreConformanceCheck("a command retried with its idempotency key returns the original outcome and appends nothing", retriedCommand),
        EventStoreConformanceCheck("a retry after a crash and restart returns the original outcome", retryAfterRestart),
        EventStoreConformanceCheck("a rejected or no-op command's outcome is replayed too", rejectionAndNoChange),
        EventStoreConformanceCheck("a key reused for a different command is an error, and an expired key is forgotten", keyReuseAndExpiry),
        EventStoreConformanceCheck("concurrent commands with one key take effect once", concurrentDuplicates),
    ]

    static func retriedCommand(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let accounts = CommandHandler(store: store, decider: TestAccount())
            let stream = uniqueStream("account")
            _ = try await accounts.handle(.open(owner: "Ada"), on: stream, idempotencyKey: "open-\(stream)")
            let first = try await accounts.handle(.deposit(amount: 10), on: stream, idempotencyKey: "deposit-\(stream)")
            #expect(!first.isReplay)
            _ = try await accounts.handle(.deposit(amount: 1), on: stream)

            let retry = try await accounts.handle(.deposit(amount: 10), on: stream, idempotencyKey: "deposit-\(stream)")
            #expect(retry.isReplay)
            #expect(retry.streamVersion == first.streamVersion)
            #expect(retry.position == first.position)
            #expect(retry.events.count == 1)
            #expect((retry.events.first as? TestAccount.Deposited)?.amount == 10)
            #expect(try await accounts.load(stream).state.balance == 11, "the retry deposited nothing")
            #expect(try await store.readStream(stream).count == 3)
        }
    }

    static func retryAfterRestart(_ backend: any ConformanceBackend) async throws {
        let store = try await backend.makeStore()
        let stream = uniqueStream("account")
        let key = "deposit-\(UUID())"
        let original: CommandResult<any DomainEvent>
        do {
            let accounts = CommandHandler(store: store, decider: TestAccount())
            _ = try await accounts.handle(.open(owner: "Ada"), on: stream)
            // The "crash": the command commits, but its caller never hears back and retries after a restart.
            original = try await accounts.handle(.deposit(amount: 25), on: stream, idempotencyKey: key)
        } catch {
            try? await backend.dispose(store)
            throw error
        }
        let reopened = try await backend.reopen(store)
        do {
            let accounts = CommandHandler(store: reopened, decider: TestAccount())
            let retry = try await accounts.handle(.deposit(amount: 25), on: stream, idempotencyKey: key)
            #expect(retry.isReplay)
            #expect(retry.position == original.position)
            #expect(retry.streamVersion == original.streamVersion)
            #expect(try await accounts.load(stream).state.balance == 25)
        } catch {
            try? await backend.dispose(reopened)
            throw error
        }
        try await backend.dispose(reopened)
    }

    static func rejectionAndNoChange(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let accounts = CommandHandler(store: store, decider: TestAccount())
            let stream = uniqueStream("account")
            let rejected = await #expect(throws: DomainError.self) {
                try await accounts.handle(.deposit(amount: 5), on: stream, idempotencyKey: "early-\(stream)")
            }
            #expect(rejected?.code == "not-open")
            _ = try await accounts.handle(.open(owner: "Ada"), on: stream)
            // The account is open now, but the key's outcome is the rejection: a retry is not a new command.
            let replayed = await #expect(throws: DomainError.self) {
                try await accounts.handle(.deposit(amount: 5), on: stream, idempotencyKey: "early-\(stream)")
            }
            #expect(replayed == rejected)
            #expect(try await accounts.load(stream).state.balance == 0)

            let touched = try await accounts.handle(.touch, on: stream, idempotencyKey: "touch-\(stream)")
            _ = try await accounts.handle(.deposit(amount: 2), on: stream)
            let again = try await accounts.handle(.touch, on: stream, idempotencyKey: "touch-\(stream)")
            #expect(again.isReplay)
            #expect(again.events.isEmpty)
            #expect(again.streamVersion == touched.streamVersion)
            #expect(again.position == touched.position)
        }
    }

    static func keyReuseAndExpiry(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let accounts = CommandHandler(store: store, decider: TestAccount())
            let stream = uniqueStream("account")
            _ = try await accounts.handle(.open(owner: "Ada"), on: stream)
            _ = try await accounts.handle(.deposit(amount: 5), on: stream, idempotencyKey: "k-\(stream)")
            let reuse = await #expect(throws: IdempotencyKeyReuse.self) {
                try await accounts.handle(.deposit(amount: 6), on: stream, idempotencyKey: "k-\(stream)")
            }
            #expect(reuse?.originalStream == stream)
            await #expect(throws: IdempotencyKeyReuse.self) {
                try await accounts.handle(.deposit(amount: 5), on: uniqueStream("account"), idempotencyKey: "k-\(stream)")
            }
            #expect(try await accounts.load(stream).state.balance == 5)

            var forgetful = accounts
            forgetful.idempotencyRetention = .zero
            let expired = try await forgetful.handle(.deposit(amount: 5), on: stream, idempotencyKey: "k-\(stream)")
            #expect(!expired.isReplay, "an expired key is handled as a new command")
            #expect(try await accounts.load(stream).state.balance == 10)
        }
    }

    static func concurrentDuplicates(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let accounts = CommandHandler(store: store, decider: TestAccount(), maximumAttempts: 20)
            let stream = uniqueStream("account")
            _ = try await accounts.handle(.open(owner: "Ada"), on: stream)
            let results = try await withThrowingTaskGroup(of: CommandResult<any DomainEvent>.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await accounts.handle(.deposit(amount: 3), on: stream, idempotencyKey: "once-\(stream)") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { !$0.isReplay }.count == 1)
            #expect(Set(results.map(\.position)).count == 1, "every caller gets the same outcome")
            #expect(try await accounts.load(stream).state.balance == 3)
        }
    }
}
