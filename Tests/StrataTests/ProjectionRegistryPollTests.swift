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

/// Counts events per stream.
private struct Counts: Projection {
    let name = "counts"
    var schema: ReadModelSchema { ReadModelSchema(collections: [DocumentCollection("counts")]) }

    func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws {
        try await context.documents("counts", as: Int.self).update(event.stream.rawValue, default: 0) { $0 += 1 }
    }
}

/// Runs `runner` until `body` returns.
private func whileRunning(_ runner: ProjectionRunner, _ body: () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await runner.run() }
        defer { group.cancelAll() }
        try await body()
    }
}

/// Polls `runner`'s status until `condition` holds, failing after 10 s.
private func status(of runner: ProjectionRunner, until condition: (ProjectionStatus) -> Bool) async throws -> ProjectionStatus {
    try await eventually("the projection's status to change", every: .milliseconds(20)) {
        let status = try await runner.status(of: "counts")
        return condition(status) ? status : nil
    }
}

/// Requests made by another process reach a runner only through the read store's registry: two runners over one
/// read store stand for the service and `strata projections`.
@Suite("Projection runner and requests recorded by other processes", .timeLimit(.minutes(5)))
struct ProjectionRegistryPollTests {
    @Test("an idle runner takes up a rebuild and a reset that another runner recorded, with no event to wake it")
    func otherProcessRequests() async throws {
        let store = InMemoryEventStore()
        let readStore = InMemoryReadStore()
        var configuration = ProjectionRunner.Configuration()
        configuration.registryPollInterval = .milliseconds(50)
        let service = ProjectionRunner(store: store, readStore: readStore, projections: [Counts()], configuration: configuration)
        let operatorRunner = ProjectionRunner(store: store, readStore: readStore, projections: [Counts()])
        let head = try await store.append([NewEvent(type: "Tested", data: Data("{}".utf8))], to: "item-1", expecting: .noStream).position
        try await whileRunning(service) {
            try await service.progress.wait(for: ["counts"], through: head, timeout: .seconds(10))
            // Not inside #expect: Swift 6.3 then calls this closure in place of the later ones passed to status(of:until:).
            let live = try await status(of: service) { $0.state == .live }
            #expect(live.state == .live)

            try await operatorRunner.rebuild("counts")
            let rebuilt = try await status(of: service) { $0.generation == 2 && $0.rebuildCheckpoint == nil }
            #expect(rebuilt.generation == 2 && rebuilt.rebuildCheckpoint == nil, "\(rebuilt)")
            #expect(rebuilt.checkpoint == head)

            try await operatorRunner.reset("counts", to: .start)
            let reset = try await status(of: service) { $0.checkpoint == head && $0.state == .live }
            #expect(reset.checkpoint == head)
            let count = try await readStore.withReader { reader in
                try await ReadModelReader(store: reader).documents("counts", of: "counts", as: Int.self).get("item-1")
            }
            #expect(count == 2, "the reset re-applied the event, as resets do")
        }
    }

    @Test("with no poll interval, an idle runner waits for its own requests and new events only")
    func withoutPolling() async throws {
        let store = SubscriptionCountingStore()
        let readStore = InMemoryReadStore()
        var configuration = ProjectionRunner.Configuration()
        configuration.registryPollInterval = nil
        let service = ProjectionRunner(store: store, readStore: readStore, projections: [Counts()], configuration: configuration)
        let operatorRunner = ProjectionRunner(store: store, readStore: readStore, projections: [Counts()])
        let head = try await store.append([NewEvent(type: "Tested", data: Data("{}".utf8))], to: "item-1", expecting: .noStream).position
        try await whileRunning(service) {
            try await service.progress.wait(for: ["counts"], through: head, timeout: .seconds(10))
            // Idle means waiting on a subscription: after turning live the runner looks at the registry once more,
            // and takes up a request recorded before that look, as it should.
            try await store.waitForSubscriptions(beyond: 0)
            try await operatorRunner.rebuild("counts")
            // That nothing happens can only be watched for a while: 300 ms is many poll intervals of the runner
            // that polls (the test above), so a poll that should not exist would show.
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await service.status(of: "counts").generation == 1, "nothing woke the runner")
            _ = try await store.append([NewEvent(type: "Tested", data: Data("{}".utf8))], to: "item-2", expecting: .noStream)
            let rebuilt = try await status(of: service) { $0.generation == 2 && $0.rebuildCheckpoint == nil }
            #expect(rebuilt.generation == 2, "the next event did")
        }
    }
}
