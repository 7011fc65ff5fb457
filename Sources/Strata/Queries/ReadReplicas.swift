//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Read-only copies of a read store, such as PostgreSQL hot-standby replicas, that answer queries in its place,
/// so that reads scale apart from the projections that write the primary.
///
/// A ``QueryHandler`` made with replicas sends each query to the next replica in turn that is available and not
/// lagging, and to the primary when there is none. Results stay exact:
/// - A read-your-writes query waits on the projection registry *as the replica it reads sees it*, then runs on
///   that replica, so the answer includes the write. When the replica has not caught up within
///   ``Configuration/replicaWaitLimit``, the query is answered from the primary instead.
/// - A replica that fails (``ReadStoreError`` with code `unavailable`, such as a server that stopped) is taken out
///   of turn at once, and the query is answered from the primary.
///
/// run() checks every replica at every ``Configuration/checkInterval``: it compares the positions each
/// projection's registry entry has reached on the replica with those on the primary. A replica more than
/// ``Configuration/maximumLag`` events behind, or one that cannot be read, gets no queries until a later check
/// finds it well again.
///
/// Metrics, each with a `replica` dimension: `strata_read_replica_available` (1 when it gets queries),
/// `strata_read_replica_lag_events` (at the last check), `strata_read_replica_queries_total` (answered there) and
/// `strata_read_replica_fallbacks_total` (answered from the primary instead, with a `reason` dimension:
/// `unavailable`, `lagging` or `not_built`).
///
/// ```swift
/// let replicas = ReadReplicas(primary: readStore, replicas: [.init(name: "replica-1", store: standby)])
/// let queries = QueryHandler(readStore: readStore, progress: runner.progress, replicas: replicas)
/// // run `replicas` in the service group beside the runner
/// ```
public final class ReadReplicas: Service, Sendable {
    /// How replicas are checked and used.
    public struct Configuration: Sendable {
        /// The most events a replica's read models may lag behind the primary's and still answer queries.
        public var maximumLag: UInt64 = 1_000
        /// How often every replica is checked.
        public var checkInterval: Duration = .seconds(1)
        /// How long a read-your-writes query waits for a replica to show the write before it asks the primary.
        public var replicaWaitLimit: Duration = .seconds(1)
        /// Where to log changes of a replica's health.
        public var logger = Logger(label: "strata.read-replicas", factory: { _ in SwiftLogNoOpLogHandler() })
        /// Where the metrics go; `nil` for the factory bootstrapped in `MetricsSystem`.
        public var metricsFactory: (any MetricsFactory)?

        public init() {}
    }

    /// One replica: a read store that holds a copy of the primary's.
    public struct Replica: Sendable {
        /// How logs, metrics and ``Status`` name it, such as its host, port and database.
        public var name: String
        /// The copy, opened for reading.
        public var store: any ReadStore

        public init(name: String, store: any ReadStore) {
            self.name = name
            self.store = store
        }
    }

    /// What the checks and queries have found out about a replica.
    public struct Status: Hashable, Sendable {
        /// Whether a replica gets queries.
        public enum Health: String, Hashable, Sendable, CustomStringConvertible {
            /// Not checked yet: it gets no queries until the first check.
            case unchecked
            /// It answers queries.
            case available
            /// Its read models were more than ``Configuration/maximumLag`` events behind at the last check.
            case lagging
            /// It could not be read at the last check or by the last query.
            case unavailable

            public var description: String { rawValue }
        }

        /// The replica's name.
        public var name: String
        /// Whether it gets queries.
        public var health: Health
        /// How many events its read models were behind the primary's at the last check that could tell.
        public var lag: UInt64?
        /// How many queries it has answered.
        public var queriesAnswered: Int
        /// How many queries it was chosen for but the primary answered.
        public var fallbacks: Int
        /// Why it was last found unavailable.
        public var lastError: String?
    }

    /// Why a query chosen for a replica was answered by the primary.
    enum FallbackReason: String, CaseIterable {
        case unavailable
        case lagging
        case notBuilt = "not_built"
    }

    /// The settings the replicas were made with.
    public let configuration: Configuration
    let primary: any ReadStore
    let members: [Member]
    private let turn = Atomic<Int>(0)

    /// Creates the set; run() must run for any replica to get queries.
    public init(primary: any ReadStore, replicas: [Replica], configuration: Configuration = Configuration()) {
        self.primary = primary
        self.configuration = configuration
        let factory = configuration.metricsFactory ?? MetricsSystem.factory
        self.members = replicas.map { Member($0, factory: factory) }
    }

    /// The replicas' status, in the order they were given.
    public var statuses: [Status] {
        members.map { $0.state.withLock { $0 } }
    }

    /// Checks every replica now, then again at every ``Configuration/checkInterval``, until cancelled or shut
    /// down gracefully.
    ///
    /// Each replica is checked on its own schedule, so one that takes long to answer (a server that went away,
    /// waited on until the connection limit) delays no other replica's checks.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for member in self.members {
                    group.addTask {
                        while !Task.isCancelled {
                            await self.check(member, against: try? await self.primary.withReader { try await Self.positions(in: $0) })
                            try? await Task.sleep(for: self.configuration.checkInterval)
                        }
                    }
                }
            }
        }
    }

    /// Checks every replica once against the primary's registry, and takes the ones that are behind or cannot be
    /// read out of turn until a later check finds them well.
    public func checkReplicas() async {
        // A primary that cannot be read leaves the lag unknown; replicas that answer keep answering, which is
        // what reads on replicas are for.
        let primaryPositions = try? await primary.withReader { try await Self.positions(in: $0) }
        await withTaskGroup(of: Void.self) { group in
            for member in members {
                group.addTask { await self.check(member, against: primaryPositions) }
            }
        }
    }

    private func check(_ member: Member, against primaryPositions: [String: GlobalPosition]?) async {
        do {
            let positions = try await member.replica.store.withReader { try await Self.positions(in: $0) }
            let lag = primaryPositions.map { Self.lag(of: positions, behind: $0) }
            let health: Status.Health = (lag ?? 0) > configuration.maximumLag ? .lagging : .available
            member.update(health: health, lag: lag, error: nil, logger: configuration.logger)
        } catch {
            member.update(health: .unavailable, lag: nil, error: "\(error)", logger: configuration.logger)
        }
    }

    /// The most events any projection of `replica` is behind the same projection on `primary`.
    static func lag(of replica: [String: GlobalPosition], behind primary: [String: GlobalPosition]) -> UInt64 {
        primary.reduce(0) { lag, entry in
            let reached = replica[entry.key] ?? .start
            return max(lag, entry.value > reached ? entry.value.value - reached.value : 0)
        }
    }

    private static func positions(in reader: any ReadStoreReader) async throws -> [String: GlobalPosition] {
        var positions: [String: GlobalPosition] = [:]
        for record in try await reader.projectionRecords() {
            positions[record.name] = record.active.position
        }
        return positions
    }

    /// The next available replica in turn, or `nil` when none is.
    func nextAvailable() -> Member? {
        guard !members.isEmpty else { return nil }
        let start = turn.wrappingAdd(1, ordering: .relaxed).oldValue
        for offset in 0..<members.count {
            let member = members[(start &+ offset) % members.count]
            if member.isAvailable { return member }
        }
        return nil
    }

    /// Records a query a replica answered.
    func recordAnswer(by member: Member) {
        member.state.withLock { $0.queriesAnswered += 1 }
        member.answered.increment()
    }

    /// Records a query chosen for `member` that the primary answers instead; a failure also takes the replica
    /// out of turn until the next check.
    func recordFallback(from member: Member, _ reason: FallbackReason, error: (any Error)? = nil) {
        member.state.withLock { $0.fallbacks += 1 }
        member.fallbacks[reason]?.increment()
        if reason == .unavailable {
            member.update(health: .unavailable, lag: nil, error: error.map { "\($0)" }, logger: configuration.logger)
        }
    }

    /// A replica with its health, metrics and the generations its queries read.
    final class Member: Sendable {
        let replica: Replica
        let state: Mutex<Status>
        /// Its own cache: during a rebuild, a replica may still read the generation the primary has left.
        let generations = ActiveGenerationCache()
        let available: Gauge
        let lag: Gauge
        let answered: Counter
        let fallbacks: [FallbackReason: Counter]

        init(_ replica: Replica, factory: any MetricsFactory) {
            self.replica = replica
            self.state = Mutex(Status(name: replica.name, health: .unchecked, lag: nil, queriesAnswered: 0, fallbacks: 0, lastError: nil))
            let dimensions = [("replica", replica.name)]
            available = Gauge(label: "strata_read_replica_available", dimensions: dimensions, factory: factory)
            lag = Gauge(label: "strata_read_replica_lag_events", dimensions: dimensions, factory: factory)
            answered = Counter(label: "strata_read_replica_queries_total", dimensions: dimensions, factory: factory)
            var fallbacks: [FallbackReason: Counter] = [:]
            for reason in FallbackReason.allCases {
                fallbacks[reason] = Counter(
                    label: "strata_read_replica_fallbacks_total",
                    dimensions: dimensions + [("reason", reason.rawValue)],
                    factory: factory
                )
            }
            self.fallbacks = fallbacks
            available.record(0)
        }

        var isAvailable: Bool { state.withLock { $0.health == .available } }

        func update(health: Status.Health, lag: UInt64?, error: String?, logger: Logger) {
            let previous = state.withLock { state in
                let previous = state.health
                state.health = health
                if let lag { state.lag = lag }
                if let error { state.lastError = error }
                return previous
            }
            available.record(health == .available ? 1 : 0)
            if let lag { self.lag.record(Int64(clamping: lag)) }
            guard previous != health else { return }
            var metadata: Logger.Metadata = ["replica": "\(replica.name)", "health": "\(health)"]
            if let lag { metadata["lag"] = "\(lag)" }
            if let error { metadata["error"] = "\(error)" }
            if health == .available {
                logger.info("read replica answers queries", metadata: metadata)
            } else {
                logger.warning("read replica skipped: the primary answers its queries", metadata: metadata)
            }
        }
    }
}
