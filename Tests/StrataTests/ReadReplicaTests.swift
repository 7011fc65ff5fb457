//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import MetricsTestKit
import StrataTestSupport
import Synchronization
import Testing

@testable import Strata

/// A read store that stands in for a replica: its own copy of the read models, which a runner of its own keeps
/// up to date ("replication") until the test stops it, and which can be switched off like a stopped server.
private final class ReplicaStandIn: ReadStore {
    let copy = InMemoryReadStore()
    let isDown = Atomic<Bool>(false)
    /// Whether reads hang, as on a server that stopped answering without closing its connections.
    let hangs = Atomic<Bool>(false)

    func withTransaction<T>(_ body: (any ReadStoreTransaction) async throws -> T) async throws -> T {
        try await copy.withTransaction(body)
    }

    func withReader<T>(_ body: (any ReadStoreReader) async throws -> T) async throws -> T {
        guard !isDown.load(ordering: .relaxed) else { throw ReadStoreError(.unavailable, "the replica is down") }
        while hangs.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(10)) }
        return try await copy.withReader(body)
    }
}

/// A primary read store and replicas, each fed by a runner of its own from one event store.
private struct ReplicaFixture {
    let events = InMemoryEventStore()
    let primary = InMemoryReadStore()
    let primaryRunner: ProjectionRunner
    let standIns: [ReplicaStandIn]
    let replicas: ReadReplicas
    let queries: QueryHandler
    let metrics = TestMetrics()

    init(replicaCount: Int = 1, maximumLag: UInt64 = 1_000, replicaWaitLimit: Duration = .seconds(1), checkInterval: Duration = .seconds(1)) {
        primaryRunner = ProjectionRunner(store: events, readStore: primary, projections: [TallyProjection()])
        standIns = (0..<replicaCount).map { _ in ReplicaStandIn() }
        var configuration = ReadReplicas.Configuration()
        configuration.maximumLag = maximumLag
        configuration.replicaWaitLimit = replicaWaitLimit
        configuration.checkInterval = checkInterval
        configuration.metricsFactory = metrics
        replicas = ReadReplicas(
            primary: primary,
            replicas: standIns.enumerated().map { .init(name: "replica-\($0.offset)", store: $0.element) },
            configuration: configuration
        )
        queries = QueryHandler(readStore: primary, progress: primaryRunner.progress, timeout: .seconds(10), replicas: replicas)
    }

    /// Starts "replicating" into a stand-in; cancel the task to stop.
    func replicate(into standIn: ReplicaStandIn) async throws -> (ProjectionRunner, Task<Void, any Error>) {
        let runner = ProjectionRunner(store: events, readStore: standIn, projections: [TallyProjection()])
        return (runner, Task { try await runner.run() })
    }

    /// Appends one tallied event and returns its position.
    @discardableResult
    func tally() async throws -> GlobalPosition {
        try await events.append([Tallied.event()], to: "tally-1", expecting: .any).position
    }

    func status(_ index: Int = 0) -> ReadReplicas.Status { replicas.statuses[index] }

    func fallbacks(_ reason: String, replica: Int = 0) throws -> Int64 {
        try metrics.expectCounter("strata_read_replica_fallbacks_total", [("replica", "replica-\(replica)"), ("reason", reason)]).totalValue
    }
}

@Suite("Read replicas", .timeLimit(.minutes(2)))
struct ReadReplicaTests {
    @Test("a read-your-writes query reads a replica once it shows the write, and the primary when it lags")
    func readYourWritesFollowsTheReplica() async throws {
        let fixture = ReplicaFixture()
        let primaryTask = Task { try await fixture.primaryRunner.run() }
        defer { primaryTask.cancel() }
        let (replicaRunner, replication) = try await fixture.replicate(into: fixture.standIns[0])
        let first = try await fixture.tally()
        try await fixture.tally()
        let second = try await fixture.tally()
        try await replicaRunner.progress.wait(for: ["tally"], through: second, timeout: .seconds(10))
        await fixture.replicas.checkReplicas()
        #expect(fixture.status().health == .available)
        #expect(fixture.status().lag == 0)

        #expect(try await fixture.queries.ask(TallyQuery(), minimumPosition: first) == 3)
        #expect(fixture.status().queriesAnswered == 1)

        // Replication stops: the replica keeps answering plain queries from what it has, but a query that must
        // show a newer write waits for it there only as long as the limit, then reads the primary.
        replication.cancel()
        try await replication.value
        let unreplicated = try await fixture.tally()
        #expect(try await fixture.queries.ask(TallyQuery(), minimumPosition: unreplicated) == 4)
        #expect(fixture.status().fallbacks == 1)
        #expect(try fixture.fallbacks("lagging") == 1)
        #expect(try await fixture.queries.ask(TallyQuery()) == 3)
        #expect(fixture.status().queriesAnswered == 2)

        // Replication resumes: the query waits on the replica's registry until it shows the write.
        let (_, resumed) = try await fixture.replicate(into: fixture.standIns[0])
        defer { resumed.cancel() }
        let next = try await fixture.tally()
        #expect(try await fixture.queries.ask(TallyQuery(), minimumPosition: next) == 5)
        #expect(fixture.status().queriesAnswered == 3)
        #expect(fixture.status().fallbacks == 1)
        #expect(try fixture.metrics.expectCounter("strata_read_replica_queries_total", [("replica", "replica-0")]).totalValue == 3)
    }

    @Test("a replica that fails is skipped at once and the primary answers, until a check finds it well again")
    func unavailableReplicaFallsBack() async throws {
        let fixture = ReplicaFixture()
        let primaryTask = Task { try await fixture.primaryRunner.run() }
        defer { primaryTask.cancel() }
        let (replicaRunner, replication) = try await fixture.replicate(into: fixture.standIns[0])
        defer { replication.cancel() }
        let position = try await fixture.tally()
        try await replicaRunner.progress.wait(for: ["tally"], through: position, timeout: .seconds(10))
        try await fixture.primaryRunner.progress.wait(for: ["tally"], through: position, timeout: .seconds(10))
        await fixture.replicas.checkReplicas()

        fixture.standIns[0].isDown.store(true, ordering: .relaxed)
        #expect(try await fixture.queries.ask(TallyQuery()) == 1)
        #expect(fixture.status().health == .unavailable)
        #expect(fixture.status().lastError?.contains("the replica is down") == true)
        #expect(try fixture.fallbacks("unavailable") == 1)
        #expect(try fixture.metrics.expectGauge("strata_read_replica_available", [("replica", "replica-0")]).lastValue == 0)
        // Out of turn: the next query goes to the primary without trying the replica.
        #expect(try await fixture.queries.ask(TallyQuery()) == 1)
        #expect(try fixture.fallbacks("unavailable") == 1)
        await fixture.replicas.checkReplicas()
        #expect(fixture.status().health == .unavailable)

        fixture.standIns[0].isDown.store(false, ordering: .relaxed)
        await fixture.replicas.checkReplicas()
        #expect(fixture.status().health == .available)
        #expect(try fixture.metrics.expectGauge("strata_read_replica_available", [("replica", "replica-0")]).lastValue == 1)
        #expect(try await fixture.queries.ask(TallyQuery()) == 1)
        #expect(fixture.status().queriesAnswered == 1)
    }

    @Test("a replica further behind than the lag limit gets no queries until it catches up")
    func laggingReplicaIsSkipped() async throws {
        let fixture = ReplicaFixture(maximumLag: 2)
        let primaryTask = Task { try await fixture.primaryRunner.run() }
        defer { primaryTask.cancel() }
        // Never replicated: the replica's registry is empty.
        var head = GlobalPosition.start
        for _ in 0..<3 { head = try await fixture.tally() }
        try await fixture.primaryRunner.progress.wait(for: ["tally"], through: head, timeout: .seconds(10))
        await fixture.replicas.checkReplicas()
        #expect(fixture.status().health == .lagging)
        #expect(fixture.status().lag == 3)
        #expect(try fixture.metrics.expectGauge("strata_read_replica_lag_events", [("replica", "replica-0")]).lastValue == 3)
        #expect(try await fixture.queries.ask(TallyQuery()) == 3)
        #expect(fixture.status().queriesAnswered == 0)
        #expect(fixture.status().fallbacks == 0)

        let (replicaRunner, replication) = try await fixture.replicate(into: fixture.standIns[0])
        defer { replication.cancel() }
        try await replicaRunner.progress.wait(for: ["tally"], through: head, timeout: .seconds(10))
        await fixture.replicas.checkReplicas()
        #expect(fixture.status().health == .available)
        #expect(fixture.status().lag == 0)
        #expect(try await fixture.queries.ask(TallyQuery()) == 3)
        #expect(fixture.status().queriesAnswered == 1)
    }

    @Test("replicas take queries in turn, and none gets any before its first check")
    func replicasTakeTurns() async throws {
        let fixture = ReplicaFixture(replicaCount: 2)
        let primaryTask = Task { try await fixture.primaryRunner.run() }
        defer { primaryTask.cancel() }
        let position = try await fixture.tally()
        var replications: [Task<Void, any Error>] = []
        defer { for task in replications { task.cancel() } }
        for standIn in fixture.standIns {
            let (runner, task) = try await fixture.replicate(into: standIn)
            replications.append(task)
            try await runner.progress.wait(for: ["tally"], through: position, timeout: .seconds(10))
        }
        try await fixture.primaryRunner.progress.wait(for: ["tally"], through: position, timeout: .seconds(10))
        #expect(try await fixture.queries.ask(TallyQuery()) == 1)
        #expect(fixture.replicas.statuses.map(\.health) == [.unchecked, .unchecked])
        #expect(fixture.replicas.statuses.map(\.queriesAnswered) == [0, 0])

        await fixture.replicas.checkReplicas()
        for _ in 0..<4 { #expect(try await fixture.queries.ask(TallyQuery()) == 1) }
        #expect(fixture.replicas.statuses.map(\.queriesAnswered) == [2, 2])
    }

    @Test("run() checks each replica on its own schedule: one that hangs delays no other's checks")
    func hangingReplicaDelaysNoOther() async throws {
        let fixture = ReplicaFixture(replicaCount: 2, checkInterval: .milliseconds(20))
        fixture.standIns[0].hangs.store(true, ordering: .relaxed)
        let checks = Task { try await fixture.replicas.run() }
        defer {
            fixture.standIns[0].hangs.store(false, ordering: .relaxed)
            checks.cancel()
        }
        // Nothing to lag behind: the healthy replica is available at its first check, and checked again and again
        // while the other's first check has not ended.
        try await eventually("the healthy replica checked", within: .seconds(10), every: .milliseconds(5)) {
            fixture.status(1).health == .available
        }
        fixture.standIns[1].isDown.store(true, ordering: .relaxed)
        try await eventually("the healthy replica's failure noticed by a later check", within: .seconds(10), every: .milliseconds(5)) {
            fixture.status(1).health == .unavailable
        }
        #expect(fixture.status(0).health == .unchecked)
        fixture.standIns[0].hangs.store(false, ordering: .relaxed)
        try await eventually("the hanging replica's check to end", within: .seconds(10), every: .milliseconds(5)) {
            fixture.status(0).health == .available
        }
    }

    @Test("a replica's lag is how far its furthest-behind projection trails the same projection on the primary")
    func lagArithmetic() {
        #expect(ReadReplicas.lag(of: ["a": 5, "b": 9], behind: ["a": 7, "b": 9]) == 2)
        #expect(ReadReplicas.lag(of: ["a": 5], behind: ["a": 7, "b": 4]) == 4)
        // A replica ahead of the primary's last read is not behind.
        #expect(ReadReplicas.lag(of: ["a": 9], behind: ["a": 7]) == 0)
        #expect(ReadReplicas.lag(of: [:], behind: [:]) == 0)
    }
}
