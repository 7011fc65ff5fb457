//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging
import PostgresNIO
import ServiceLifecycle
import Strata

/// Projection leases held as PostgreSQL advisory locks, so that of several application processes running the
/// same projections against one read store, exactly one runs each projection at a time.
///
/// Each lease is a session-level advisory lock held on a connection of its own for as long as the projection
/// runs. PostgreSQL releases it the moment that connection ends, so when a process dies or loses its network,
/// another process's runner, which tries to take the lock every Configuration/retryInterval, takes over within
/// seconds and resumes from the checkpoint. The holder checks its connection every Configuration/checkInterval;
/// on failure it stops the projection (ProjectionLeaseLost) and queues for the lease again.
///
/// Keys are `(hashtext(namespace), hashtext(projection))`, so operators find holders in `pg_locks`
/// (`locktype = 'advisory'`, `objsubid = 2`); holder(of:) does that lookup.
///
/// ```swift
/// var configuration = ProjectionRunner.Configuration()
/// configuration.leases = PostgresProjectionLeases(client: client, namespace: "strata_read")
/// let runner = ProjectionRunner(store: events, readStore: readModels, projections: projections, configuration: configuration)
/// ```
public final class PostgresProjectionLeases: ProjectionLeases {
    /// Settings of ``PostgresProjectionLeases``.
    public struct Configuration: Sendable {
        /// Separates the leases of different read stores on one cluster; use the read store's schema.
        public var namespace: String
        /// How often a waiting runner tries to take a lease.
        public var retryInterval: Duration = .seconds(1)
        /// How often a holder checks that its connection, and so its lock, is still there.
        public var checkInterval: Duration = .seconds(1)
        /// Where to log.
        public var logger = Logger(label: "strata.postgres.leases", factory: { _ in SwiftLogNoOpLogHandler() })

        public init(namespace: String) {
            self.namespace = namespace
        }
    }

    /// The backend that holds a lease.
    public struct Holder: Hashable, Sendable {
        /// The PostgreSQL backend process id of the holder's connection.
        public var pid: Int
        /// The holder's address, or `nil` for a Unix socket.
        public var clientAddress: String?
        /// The holder's `application_name`.
        public var applicationName: String
    }

    /// The client whose connections hold the locks. Its pool needs one connection per running projection on
    /// top of what the read store uses.
    public let client: PostgresClient
    /// The settings the leases were created with.
    public let configuration: Configuration

    let ownsClient: Bool

    public init(client: PostgresClient, configuration: Configuration) {
        self.client = client
        self.configuration = configuration
        ownsClient = false
    }

    /// Leases over a client of their own, made from a URL of the form ``PostgresConnectionSettings`` reads; run() runs it.
    ///
    /// - Throws: EventStoreError with code `invalidArgument` when the URL is not valid.
    public init(url: String, configuration: Configuration) throws {
        let settings = try PostgresConnectionSettings(url: url)
        client = PostgresClient(configuration: settings.client, backgroundLogger: configuration.logger)
        self.configuration = configuration
        ownsClient = true
    }

    /// Runs the leases' own client (when they made it from a URL) until cancelled.
    public func run() async {
        guard ownsClient else { return }
        await client.run()
    }

    /// Leases in `namespace` with the default intervals.
    public convenience init(client: PostgresClient, namespace: String) {
        self.init(client: client, configuration: Configuration(namespace: namespace))
    }

    public func withLease(on projection: String, _ body: @escaping @Sendable () async throws -> Void) async throws {
        let namespace = configuration.namespace
        let connectionFailure: @Sendable (any Error) -> any Error = { error in
            Task.isCancelled
                ? CancellationError()
                : ProjectionLeaseLost(projection: projection, reason: "its connection failed: \(PostgresErrors.message(of: error))")
        }
        while true {
            do {
                return try await client.withConnection { connection in
                    try await self.acquire(projection, on: connection)
                    let outcome: Result<Void, any Error>
                    do {
                        try await self.hold(on: connection, while: body, failure: connectionFailure)
                        outcome = .success(())
                    } catch {
                        outcome = .failure(error)
                    }
                    await self.release(projection, on: connection)
                    try outcome.get()
                }
            } catch let error as ProjectionLeaseLost {
                throw error
            } catch {
                // Failing to reach the database while waiting is not a lost lease: keep waiting.
                if Task.isCancelled || error is CancellationError || Task.isShuttingDownGracefully { throw CancellationError() }
                configuration.logger.debug(
                    "cannot wait for a projection lease, retrying",
                    metadata: ["strata.projection": "\(projection)", "strata.namespace": "\(namespace)", "strata.error": "\(error)"]
                )
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: self.configuration.retryInterval) }
            }
        }
    }

    /// Runs `body` while checking the connection that holds the lock; a failed check cancels `body`.
    private func hold(
        on connection: PostgresConnection,
        while body: @escaping @Sendable () async throws -> Void,
        failure: @escaping @Sendable (any Error) -> any Error
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask {
                // Ends quietly when the body ends first and cancels it.
                while true {
                    try await Task.sleep(for: self.configuration.checkInterval)
                    do {
                        // Watched, as a query written to a connection that has just closed would never complete.
                        _ = try await ConnectionCloseWatch.shared.run(on: connection) { [logger = self.configuration.logger] connection in
                            try await connection.allRows("SELECT 1", logger: logger)
                        }
                    } catch {
                        throw failure(error)
                    }
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Polls for the lock until it is granted; polling rather than a blocking `pg_advisory_lock` keeps the wait
    /// cancellable and lets a graceful shutdown end it.
    private func acquire(_ projection: String, on connection: PostgresConnection) async throws {
        try await cancelWhenGracefulShutdown {
            while true {
                let query: PostgresQuery = "SELECT pg_try_advisory_lock(hashtext(\(self.configuration.namespace)), hashtext(\(projection)))"
                let rows = try await ConnectionCloseWatch.shared.run(on: connection) { [logger = self.configuration.logger] connection in
                    try await connection.allRows(query, logger: logger)
                }
                if try rows.first?.decode(Bool.self) == true { return }
                try await Task.sleep(for: self.configuration.retryInterval)
            }
        }
    }

    /// Unlocks before the connection goes back to the pool, where a lock left behind would block every other
    /// process for as long as the pool keeps the connection. The unlock runs in a task of its own so that the
    /// cancellation that ended the projection cannot cancel it too.
    private func release(_ projection: String, on connection: PostgresConnection) async {
        let namespace = configuration.namespace
        let logger = configuration.logger
        let unlock = Task {
            guard !connection.isClosed else { return }
            _ = try await ConnectionCloseWatch.shared.run(on: connection) { connection in
                try await connection.allRows("SELECT pg_advisory_unlock(hashtext(\(namespace)), hashtext(\(projection)))", logger: logger)
            }
        }
        do {
            try await unlock.value
        } catch {
            // A connection that cannot unlock is broken, and its lock went with it.
            logger.debug("could not unlock a projection lease", metadata: ["strata.projection": "\(projection)", "strata.error": "\(error)"])
        }
        // A closed connection goes back only once its pool has seen it close, so the pool never lends it again.
        if connection.isClosed { try? await connection.closeFuture.get() }
    }

    /// The backend holding the lease on `projection`, or `nil` when no one holds it.
    public func holder(of projection: String) async throws -> Holder? {
        let query: PostgresQuery = """
            SELECT a.pid, host(a.client_addr), a.application_name
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
              AND l.classid = (hashtext(\(configuration.namespace))::bigint & 4294967295)::oid
              AND l.objid = (hashtext(\(projection))::bigint & 4294967295)::oid
            """
        do {
            let rows = try await client.allRows(query, logger: configuration.logger)
            return try rows.first.map { row in
                let (pid, address, application) = try row.decode((Int, String?, String).self)
                return Holder(pid: pid, clientAddress: address, applicationName: application)
            }
        } catch {
            throw PostgresErrors.translate(error, "look up the holder of projection '\(projection)''s lease")
        }
    }
}
