//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Tracing

/// Answers queries from a read store, optionally only once the read models reflect a given write.
///
/// Pass the position an append or command returned as `minimumPosition` for read-your-writes: the handler
/// waits (woken by the runner through ``ProjectionProgress``, without polling) until every projection the query
/// reads has processed through it, and throws ``StaleReadModel`` after `timeout` rather than answer from a
/// read model that does not show the write yet.
///
/// ```swift
/// let queries = QueryHandler(readStore: readStore, progress: runner.progress)
/// let result = try await commands.handle(.place(customer: "c-1"), on: "order-7")
/// let open = try await queries.ask(OpenOrders(customerId: "c-1"), minimumPosition: result.position)
/// ```
public struct QueryHandler: Sendable {
    /// The read store queries read.
    public let readStore: any ReadStore
    /// Where projections of this process report progress; `nil` when none run here, in which case a
    /// read-your-writes query checks the registry once and does not wait.
    public let progress: ProjectionProgress?
    /// How long a read-your-writes query waits by default.
    public var timeout: Duration
    /// How soon a waiting read-your-writes query first asks the read store's registry again, for projections that
    /// other processes run; the interval then doubles, up to half a second.
    public var registryPollInterval: Duration = .milliseconds(50)
    /// The clock read-your-writes waits time out on: tests pass a clock they move themselves.
    public var clock: any Clock<Duration> = ContinuousClock()
    /// Copies of the read store that answer queries in its place, or `nil` when the read store answers them all.
    public let replicas: ReadReplicas?
    /// The generations queries of the read store read, shared by the copies of this handler.
    private let generations = ActiveGenerationCache()

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - readStore: The read store that projections write.
    ///   - progress: Where projections of this process report progress, or `nil` when none run here.
    ///   - timeout: How long a read-your-writes query waits by default.
    ///   - replicas: Read-only copies of `readStore` that answer queries when they are available; run them as a
    ///     service.
    public init(readStore: any ReadStore, progress: ProjectionProgress?, timeout: Duration = .seconds(5), replicas: ReadReplicas? = nil) {
        self.readStore = readStore
        self.progress = progress
        self.timeout = timeout
        self.replicas = replicas
    }

    /// Answers `query`.
    ///
    /// - Parameters:
    ///   - query: The query.
    ///   - minimumPosition: A consistency token: answer only from read models that have processed through it.
    ///   - timeout: How long to wait for them; the handler's `timeout` when `nil`.
    /// - Throws: ``StaleReadModel`` when the read models do not reach `minimumPosition` in time; whatever the query throws.
    public func ask<Q: Query>(_ query: Q, minimumPosition: GlobalPosition? = nil, timeout: Duration? = nil) async throws -> Q.Result {
        try await withSpan("strata.query", ofKind: .internal) { span in
            // Named only for a tracer that records: a query is the hot path, and the name costs a string.
            if span.isRecording { span.attributes["strata.query"] = String(describing: Q.self) }
            let minimumPosition = minimumPosition.flatMap { $0 > .start ? $0 : nil }
            if let minimumPosition { span.attributes["strata.min-position"] = Int64(clamping: minimumPosition.value) }
            var timeout = timeout ?? self.timeout
            if let replicas, let replica = replicas.nextAvailable() {
                switch try await answer(query, minimumPosition: minimumPosition, timeout: timeout, on: replica, of: replicas, clock: clock) {
                case .answered(let result):
                    if span.isRecording { span.attributes["strata.read-replica"] = replica.replica.name }
                    return result
                case .fallBack(let remaining):
                    timeout = remaining
                }
            }
            if let minimumPosition {
                try await waitFor(query.projections, through: minimumPosition, timeout: timeout, on: clock)
            }
            return try await run(query, on: readStore, generations: generations)
        }
    }

    /// What asking a replica came to.
    private enum ReplicaAnswer<Result> {
        case answered(Result)
        /// The primary should answer, within what is left of the timeout.
        case fallBack(remaining: Duration)
    }

    /// Answers `query` on `replica`, or says that the primary should answer it: the replica failed, or has not
    /// shown `minimumPosition` within the replicas' wait limit, or has not built a read model the query needs.
    private func answer<Q: Query, C: Clock<Duration>>(
        _ query: Q,
        minimumPosition: GlobalPosition?,
        timeout: Duration,
        on replica: ReadReplicas.Member,
        of replicas: ReadReplicas,
        clock: C
    ) async throws -> ReplicaAnswer<Q.Result> {
        let started = clock.now
        func fallBack(_ reason: ReadReplicas.FallbackReason, _ error: (any Error)? = nil) -> ReplicaAnswer<Q.Result> {
            replicas.recordFallback(from: replica, reason, error: error)
            return .fallBack(remaining: max(.zero, timeout - started.duration(to: clock.now)))
        }
        do {
            if let minimumPosition {
                let limit = min(timeout, replicas.configuration.replicaWaitLimit)
                guard try await replicaHasProcessed(query.projections, through: minimumPosition, on: replica, within: limit, clock: clock) else {
                    return fallBack(.lagging)
                }
            }
            let result = try await run(query, on: replica.replica.store, generations: replica.generations)
            replicas.recordAnswer(by: replica)
            return .answered(result)
        } catch let error as ReadStoreError where error.code == .unavailable {
            return fallBack(.unavailable, error)
        } catch let error as ReadStoreError where error.code == .notBuilt {
            return fallBack(.notBuilt)
        }
    }

    /// Whether the registry of `replica` shows every one of `projections` through `position`, asked again with a
    /// growing interval until `limit` has passed.
    ///
    /// The local progress cannot decide here: it tells what the primary has committed, and the replica may not
    /// have replayed it yet.
    private func replicaHasProcessed<C: Clock<Duration>>(
        _ projections: [String],
        through position: GlobalPosition,
        on replica: ReadReplicas.Member,
        within limit: Duration,
        clock: C
    ) async throws -> Bool {
        let deadline = clock.now.advanced(by: limit)
        // Replication usually takes a few milliseconds: start with a short interval.
        var interval = Duration.milliseconds(2)
        while true {
            let persisted = try await persistedPositions(projections, in: replica.replica.store, generations: replica.generations)
            if projections.allSatisfy({ persisted[$0, default: .start] >= position }) { return true }
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero else { return false }
            try await clock.sleep(for: min(interval, remaining))
            interval = min(interval * 2, .milliseconds(100))
        }
    }

    /// Runs `query` on the generations its projections' queries read in `store`.
    private func run<Q: Query>(_ query: Q, on store: any ReadStore, generations: ActiveGenerationCache) async throws -> Q.Result {
        let used = generations.numbers(of: query.projections)
        do {
            return try await store.withReader { reader in
                try await query.run(on: ReadModelReader(store: reader, generations: generations))
            }
        } catch {
            // A rebuild that switched generations under the query (or before it, while the cache still named the
            // old one) drops the tables it was reading; the new generation holds the same data (or newer), so
            // asking again is safe.
            let current = try await store.withReader { reader in
                try await activeGenerations(query.projections, in: reader, generations: generations)
            }
            guard current != used else { throw error }
            return try await store.withReader { reader in
                try await query.run(on: ReadModelReader(store: reader, generations: generations))
            }
        }
    }

    private func waitFor<C: Clock<Duration>>(
        _ projections: [String],
        through position: GlobalPosition,
        timeout: Duration,
        on clock: C
    ) async throws {
        // What a runner of this process reports, it has committed: a token it has passed needs no registry read,
        // which keeps a read-your-writes query as cheap as any other once the views have caught up.
        if let progress, progress.hasProcessed(projections, through: position) { return }
        // Otherwise the registry, the durable truth, decides: it covers runners in other processes, which never
        // advance the local progress, so it is asked again at every poll interval; the local progress only adds a
        // prompt wake-up.
        let deadline = clock.now.advanced(by: timeout)
        var pollInterval = registryPollInterval
        while true {
            let persisted = try await persistedPositions(projections, in: readStore, generations: generations)
            guard let lagging = projections.first(where: { persisted[$0, default: .start] < position }) else { return }
            let remaining = clock.now.duration(to: deadline)
            guard let progress, remaining > .zero else {
                throw StaleReadModel(
                    projection: lagging, required: position, reached: persisted[lagging, default: .start], timeout: progress == nil ? .zero : timeout)
            }
            do {
                try await progress.wait(for: projections, through: position, timeout: min(remaining, pollInterval), clock: clock)
                return
            } catch is StaleReadModel {
                // Backing off keeps a long wait from loading the read store.
                pollInterval = min(pollInterval * 2, .milliseconds(500))
                continue
            }
        }
    }

    private func persistedPositions(
        _ projections: [String],
        in store: any ReadStore,
        generations: ActiveGenerationCache
    ) async throws -> [String: GlobalPosition] {
        try await store.withReader { reader in
            var positions: [String: GlobalPosition] = [:]
            for name in projections {
                let record = try await reader.projectionRecord(named: name)
                generations.remember(record?.active.number, of: name)
                positions[name] = record?.active.position ?? .start
            }
            return positions
        }
    }

    /// Reads the generations of `projections` from the registry and caches them.
    private func activeGenerations(
        _ projections: [String],
        in reader: any ReadStoreReader,
        generations: ActiveGenerationCache
    ) async throws -> [Int?] {
        var numbers: [Int?] = []
        for name in projections {
            let number = try await reader.projectionRecord(named: name)?.active.number
            generations.remember(number, of: name)
            numbers.append(number)
        }
        return numbers
    }
}
