//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataTestSupport
import Testing

@Suite("Purging expired command outcomes", .timeLimit(.minutes(5)))
struct CommandOutcomePurgerTests {
    private static func record(_ key: String, at date: Date, in store: InMemoryEventStore) async throws {
        let record = CommandOutcomeRecord(
            key: key,
            fingerprint: "f",
            stream: "account-1",
            outcome: Data("{}".utf8),
            streamVersion: nil,
            position: .start,
            recordedAt: date
        )
        _ = try await store.recordCommandOutcome(record, appending: nil, replacingOutcomesBefore: .distantPast)
    }

    @Test("after one interval of its clock, outcomes older than the retention are gone and younger ones kept")
    func oneTick() async throws {
        let store = InMemoryEventStore()
        let now = Date(timeIntervalSinceReferenceDate: 800_000_000)
        try await Self.record("expired", at: now.addingTimeInterval(-25 * 3600), in: store)
        try await Self.record("kept", at: now.addingTimeInterval(-23 * 3600), in: store)
        let clock = ManualClock()
        let purger = CommandOutcomePurger(store: store, retention: .seconds(24 * 3600), interval: .seconds(600), clock: clock, now: { now })
        let running = Task { try await purger.run() }
        defer { running.cancel() }

        await clock.waitForSleeps(1)
        #expect(try await store.commandOutcome(forKey: "expired", recordedSince: .distantPast) != nil, "nothing is purged before the interval")
        clock.advance(by: .seconds(600))
        await clock.waitForSleeps(2)  // the tick is over once it sleeps again
        #expect(try await store.commandOutcome(forKey: "expired", recordedSince: .distantPast) == nil)
        #expect(try await store.commandOutcome(forKey: "kept", recordedSince: .distantPast) != nil)
    }
}
