//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import StrataTestSupport
import Testing

@testable import Strata

@Suite("Append signal", .timeLimit(.minutes(5)))
struct AppendSignalTests {
    @Test("a wait for an old generation returns at once")
    func staleGeneration() async {
        let signal = AppendSignal()
        let generation = signal.generation
        signal.notify()
        await signal.wait(after: generation)
        #expect(signal.generation == generation + 1)
    }

    @Test("a notification wakes every waiter")
    func wakesWaiters() async throws {
        let signal = AppendSignal()
        let generation = signal.generation
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask { await signal.wait(after: generation) }
            }
            group.addTask {
                // Every waiter parked, so that the notification (not a generation already passed) ends the waits.
                try await eventually("ten parked waiters") { signal.parkedWaiterCount == 10 }
                signal.notify()
            }
            try await group.waitForAll()
        }
        #expect(signal.generation == generation + 1)
    }

    @Test("cancellation ends a wait that no notification would end")
    func cancellation() async {
        let signal = AppendSignal()
        let waiter = Task { await signal.wait(after: signal.generation) }
        waiter.cancel()
        await waiter.value
        #expect(signal.generation == 0)
    }

    @Test("a wait with a timeout returns without a notification")
    func timeout() async {
        let signal = AppendSignal()
        await signal.wait(after: signal.generation, timeout: .milliseconds(20))
        #expect(signal.generation == 0)
    }
}
