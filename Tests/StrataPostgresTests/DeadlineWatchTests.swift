//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import PostgresNIO
import Synchronization
import Testing

@testable import StrataPostgres

/// The one timer behind every connection deadline and stall warning: a deadline that fires early fails a healthy
/// append, one that never fires leaves an append hanging, and a timer that never stops keeps an idle process awake.
@Suite("Deadline watch", .timeLimit(.minutes(1)))
struct DeadlineWatchTests {
    private func makeWatch() -> DeadlineWatch {
        DeadlineWatch(tick: .milliseconds(5), on: PostgresClient.defaultEventLoopGroup.any())
    }

    @Test("an action runs once, after its deadline, and the timer stops when no deadline is left")
    func firesOnceAfterItsDeadline() async throws {
        let watch = makeWatch()
        let firedAt = Mutex<[NIODeadline]>([])
        let deadline = NIODeadline.now() + .milliseconds(40)
        _ = watch.watch(until: deadline) {
            firedAt.withLock { $0.append(.now()) }
            return nil
        }
        #expect(watch.isTicking)
        try await eventually { firedAt.withLock { !$0.isEmpty } && !watch.isTicking }
        try await Task.sleep(for: .milliseconds(30))
        let fired = firedAt.withLock { $0 }
        #expect(fired.count == 1)
        #expect(fired.allSatisfy { $0 >= deadline }, "an action must not run before its deadline")
    }

    @Test("a cancelled deadline's action never runs, and the timer stops")
    func cancelledNeverFires() async throws {
        let watch = makeWatch()
        let runs = Atomic<Int>(0)
        let token = watch.watch(until: .now() + .milliseconds(20)) {
            runs.add(1, ordering: .relaxed)
            return nil
        }
        watch.cancel(token)
        try await eventually { !watch.isTicking }
        try await Task.sleep(for: .milliseconds(50))
        #expect(runs.load(ordering: .relaxed) == 0)
    }

    @Test("an action that returns a next deadline runs again at it, until cancelled")
    func rearmsUntilCancelled() async throws {
        let watch = makeWatch()
        let runs = Atomic<Int>(0)
        let token = watch.watch(until: .now() + .milliseconds(10)) {
            runs.add(1, ordering: .relaxed)
            return .now() + .milliseconds(10)
        }
        try await eventually { runs.load(ordering: .relaxed) >= 3 }
        watch.cancel(token)
        let atCancel = runs.load(ordering: .relaxed)
        try await eventually { !watch.isTicking }
        try await Task.sleep(for: .milliseconds(50))
        // An action running while it is cancelled may finish that one run.
        #expect(runs.load(ordering: .relaxed) <= atCancel + 1)
        #expect(!watch.isTicking)
    }

    @Test("deadlines watched from many tasks at once each run exactly once, and those cancelled never")
    func manyDeadlines() async throws {
        let watch = makeWatch()
        let runs = RunCounts()
        await withTaskGroup(of: Void.self) { group in
            for n in 0..<200 {
                group.addTask {
                    let token = watch.watch(until: .now() + .milliseconds(Int64(n % 50))) {
                        runs.counts.withLock { $0[n, default: 0] += 1 }
                        return nil
                    }
                    if n.isMultiple(of: 4) { watch.cancel(token) }
                }
            }
        }
        try await eventually { !watch.isTicking }
        let counts = runs.counts.withLock { $0 }
        // A deadline cancelled after its action ran has run once; one cancelled before never runs.
        #expect(counts.values.allSatisfy { $0 == 1 })
        #expect((0..<200).filter { !$0.isMultiple(of: 4) }.allSatisfy { counts[$0] == 1 })
    }

    @Test("a watch that stopped for lack of deadlines starts again for the next one")
    func restartsAfterStopping() async throws {
        let watch = makeWatch()
        let runs = Atomic<Int>(0)
        for round in 1...3 {
            _ = watch.watch(until: .now() + .milliseconds(5)) {
                runs.add(1, ordering: .relaxed)
                return nil
            }
            try await eventually { runs.load(ordering: .relaxed) == round && !watch.isTicking }
        }
    }

    /// How often each deadline's action ran, shared by many tasks.
    private final class RunCounts: Sendable {
        let counts = Mutex<[Int: Int]>([:])
    }

    /// Waits until `condition` holds, failing after five seconds.
    private func eventually(_ condition: () -> Bool) async throws {
        let clock = ContinuousClock()
        let end = clock.now + .seconds(5)
        while !condition() {
            guard clock.now < end else {
                Issue.record("the condition did not come true within five seconds")
                return
            }
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}
