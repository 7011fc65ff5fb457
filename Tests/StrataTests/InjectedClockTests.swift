//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataTestSupport
import Synchronization
import Testing

/// Waits measured in hours on a ManualClock: each test would exceed its time limit if the code slept on the wall
/// clock instead of the clock it was given.
@Suite("Waits on an injected clock", .timeLimit(.minutes(1)))
struct InjectedClockTests {
    private struct Nothing: Query {
        var projections: [String] { ["views"] }
        func run(on reader: ReadModelReader) async throws -> Int { 0 }
    }

    @Test("a read-your-writes query waits out its timeout on the query handler's clock, then reports the stale view")
    func queryTimeout() async throws {
        let clock = ManualClock()
        var queries = QueryHandler(readStore: InMemoryReadStore(), progress: ProjectionProgress(), timeout: .seconds(3600))
        queries.clock = clock
        let asking = Task { try await queries.ask(Nothing(), minimumPosition: 10) }
        // Past the time limit the test is cancelled: so is the query, rather than left waiting an hour.
        await withTaskCancellationHandler {
            // Each sleep is one poll of the registry; the polls back off to half a second.
            var sleeps = 0
            var waited: Duration = .zero
            while waited < .seconds(3599) {
                sleeps += 1
                await clock.waitForSleeps(sleeps)
                clock.advance(by: .milliseconds(500))
                waited += .milliseconds(500)
            }
            sleeps += 1
            await clock.waitForSleeps(sleeps)
            #expect(clock.sleepsStarted == sleeps, "a second before its timeout the query still waits")
            clock.advance(by: .seconds(2))
            await #expect(throws: StaleReadModel(projection: "views", required: 10, reached: .start, timeout: .seconds(3600))) {
                try await asking.value
            }
        } onCancel: {
            asking.cancel()
        }
    }

    private final class Attempts: Sendable {
        let byPosition = Mutex<[GlobalPosition: Int]>([:])
    }

    /// Fails its first attempt at each event, then applies it.
    private struct FlakyOnce: Projection {
        let name = "flaky"
        let attempts = Attempts()

        var schema: ReadModelSchema { ReadModelSchema(collections: [DocumentCollection("seen")]) }

        func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws {
            let attempt = attempts.byPosition.withLock { attempts in
                attempts[event.position, default: 0] += 1
                return attempts[event.position, default: 0]
            }
            guard attempt > 1 else { throw DomainError("not yet") }
            try await context.documents("seen", as: Int.self).put(attempt, key: "\(event.position)")
        }
    }

    @Test("a projection backs off a failed event on the runner's clock before it tries again")
    func projectionBackOff() async throws {
        let store = InMemoryEventStore()
        let head = try await store.append([NewEvent(type: "Happened", data: Data("{}".utf8))], to: "thing-1", expecting: .noStream).position
        let clock = ManualClock()
        var configuration = ProjectionRunner.Configuration()
        configuration.clock = clock
        configuration.registryPollInterval = nil
        configuration.failurePolicy = ProjectionFailurePolicy(retry: RetryPolicy(maximumAttempts: 3, initialDelay: .seconds(3600)))
        let flaky = FlakyOnce()
        let runner = ProjectionRunner(store: store, readStore: InMemoryReadStore(), projections: [flaky], configuration: configuration)
        let running = Task { try await runner.run() }
        defer { running.cancel() }

        await clock.waitForSleeps(1)
        #expect(flaky.attempts.byPosition.withLock { $0[head] } == 1, "the back-off holds the second attempt")
        #expect(try await runner.status(of: "flaky").checkpoint == .start)
        clock.advance(by: .seconds(3600))
        try await runner.progress.wait(for: ["flaky"], through: head, timeout: .seconds(10))
        #expect(flaky.attempts.byPosition.withLock { $0[head] } == 2)
    }
}
