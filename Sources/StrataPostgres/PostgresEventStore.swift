//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Strata

/// An event store in PostgreSQL: Strata's production backend, shared by any number of application processes.
///
/// ## How the global order stays trustworthy
/// PostgreSQL takes sequence values when rows are inserted but makes them visible when transactions commit, so
/// with plain sequences a transaction could commit position 11 after a reader already moved past 12, and a
/// rolled-back insert would leave a permanent hole. Strata avoids both with a **commit-ordered sequencer**:
/// every append transaction locks the single row of `strata_head`, numbers its events from the head, and
/// keeps the lock until it commits. The next append can only number its events after that commit is visible,
/// so positions become visible strictly in order, without holes (a rollback also rolls back the head), and a
/// reader that continues from the last position it saw can never skip or repeat an event. Readers never wait:
/// no open transaction anywhere in the cluster holds them back.
///
/// The price is that appends commit one transaction at a time across the cluster. Group commit makes that
/// cheap: concurrent appends in one process share one transaction (one round trip to the `strata_append`
/// function, one commit flush), so the cluster commits batches, not single events. An append transaction held
/// open (by a stuck client that appends through SQL, say) stalls other appends, never readers; the store logs
/// the blocking transaction after Configuration/stallWarningAfter and appendBlockers() names it.
/// Within a stream, global order is version order, because versions are numbered under the same lock.
///
/// ## Beside the log
/// The store is also the SnapshotStore, CommandOutcomeStore, SubjectKeyStore and ProcessManagerStore of its
/// events, with tables in its own schema. Every transaction that appends goes through `strata_append`, so the
/// order above holds for all of them: group commit's batches, deleteStream(_:expecting:)'s deletion event,
/// and recordCommandOutcome(_:appending:replacingOutcomesBefore:)'s keyed commands, which commit in
/// transactions of their own rather than in a batch.
///
/// ## Running it
/// The store is a `Service`: run it in a `ServiceGroup` (or a task) so that it can listen for notifications
/// (and run its `PostgresClient` when it created it).
/// ```swift
/// let store = try PostgresEventStore(url: "postgres://strata@localhost/app?schema=shop")
/// let group = ServiceGroup(services: [store, ...], logger: logger)
/// try await store.migrate()
/// ```
public final class PostgresEventStore: EventStore, Service {
    /// The settings the store was made with.
    public let configuration: Configuration

    let client: PostgresClient
    let ownsClient: Bool
    let schema: PostgresSchema
    let signal = AppendSignal()
    let commits: GroupCommitQueue<PendingAppend, AppendResult>
    let spans: DatabaseSpans
    /// The statements that commands make every time (appends, stream reads, version and key lookups), prepared on
    /// each connection of the client.
    let prepared = PreparedStatements()
    /// The listening connection of this store, whose process its group-committed appends do not notify.
    let ownListener = OwnListener()
    var logger: Logger { configuration.logger }

    /// Creates a store on a client that the caller runs.
    ///
    /// - Throws: EventStoreError with code `invalidArgument` when the schema name is not a plain identifier.
    public convenience init(client: PostgresClient, configuration: Configuration = Configuration()) throws {
        try self.init(client: client, ownsClient: false, database: nil, configuration: configuration)
    }

    /// Creates a store, and its own client, from a store URL such as
    /// `postgres://user:password@host:5432/database?schema=name&sslmode=require`.
    ///
    /// The URL's `schema` replaces the configuration's. The store runs the client in run().
    public convenience init(url: String, configuration: Configuration = Configuration()) throws {
        let settings = try PostgresConnectionSettings(url: url)
        var configuration = configuration
        if let schema = settings.schema { configuration.schema = schema }
        try self.init(
            client: PostgresClient(configuration: settings.client),
            ownsClient: true,
            database: settings.client.database,
            configuration: configuration
        )
    }

    private init(client: PostgresClient, ownsClient: Bool, database: String?, configuration: Configuration) throws {
        guard Self.isPlainIdentifier(configuration.schema) else {
            throw EventStoreError(.invalidArgument, "'\(configuration.schema)' is not a valid schema name: use lower-case letters, digits and _")
        }
        self.configuration = configuration
        self.client = client
        self.ownsClient = ownsClient
        self.schema = PostgresSchema(name: configuration.schema)
        let writer = PostgresAppendWriter(
            client: client,
            schema: schema,
            signal: signal,
            configuration: configuration,
            prepared: prepared,
            ownListener: ownListener
        )
        // OpenTelemetry's PostgreSQL namespace: the database and the schema, as `database|schema`.
        let spans = DatabaseSpans(system: "postgresql", namespace: [database, configuration.schema].compactMap { $0 }.joined(separator: "|"))
        self.spans = spans
        commits = GroupCommitQueue(maximumBatchSize: configuration.maximumBatchSize, spans: spans) { batch in
            await writer.commit(batch)
        }
    }

    /// Runs the store's background work until cancelled or shut down gracefully: its own client (when it made
    /// it), pending migrations (when Configuration/migrateOnStart is set), and the notification listener that
    /// wakes subscriptions when other processes append.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            if ownsClient {
                group.addTask { await self.client.run() }
            }
            if configuration.migrateOnStart {
                try await migrate()
            }
            group.addTask { await self.listenForAppends() }
            try? await cancelWhenGracefulShutdown {
                try await Task.sleep(for: .seconds(Int64.max / 2))
            }
            group.cancelAll()
        }
    }

    /// Applies the migrations this store does not have yet. Safe to call from many processes at once.
    public func migrate() async throws {
        let migrator = PostgresMigrator(client: client, schema: schema, logger: logger, connectionWaitLimit: configuration.connectionWaitLimit)
        try await translatingErrors("migrate") { try await migrator.migrate() }
    }

    public func append(_ events: [NewEvent], to stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        guard !events.isEmpty else {
            throw EventStoreError(.invalidArgument, "an append needs at least one event")
        }
        // Checked here, so that one bad append fails alone rather than with its whole group-commit batch, or
        // sends it through the slower function that looks every id up.
        try IdempotentAppend.requireDistinctIDs(events)
        if let event = events.first(where: { Int32(exactly: $0.schemaVersion) == nil }) {
            throw EventStoreError(.invalidArgument, "schema version \(event.schemaVersion) of event \(event.id) is out of range")
        }
        return try await spans.withAppendSpan(to: stream, events: events.count) {
            try await commits.submit(PendingAppend(events: events, stream: stream, expected: expected))
        }
    }

    public func subscribeToAll(from position: GlobalPosition, filter: EventFilter) -> EventSubscription {
        EventSubscription(from: position, filter: filter, pollInterval: configuration.pollInterval, signal: signal) {
            [self] position, limit, filter in
            try await readAllRetryingConnectionLoss(from: position, limit: limit, filter: filter)
        }
    }

    /// Reads a page for a subscription, waiting out a lost connection or a restarting server instead of
    /// failing: a subscription resumes from where it was, with nothing lost or repeated.
    private func readAllRetryingConnectionLoss(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [RecordedEvent] {
        while true {
            do {
                return try await readAll(from: position, limit: limit, filter: filter)
            } catch let error as EventStoreError where error.code == .unavailable {
                logger.warning(
                    "subscription read failed, retrying",
                    metadata: ["strata.position": "\(position)", "strata.error": "\(error)"]
                )
                try await Task.sleep(for: configuration.reconnectDelay)
            }
        }
    }

    /// Listens for other processes' commits on a dedicated connection, reconnecting when it is lost.
    private func listenForAppends() async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { [schema, logger, ownListener] connection in
                    var backend: Int32 = 0
                    let listened = await Result {
                        try await connection.listen(on: schema.channel) { notifications in
                            // Registered once listening, so that no notification sent after the registration is missed;
                            // under the close watch, so that a connection lost just now fails this rather than stalls it.
                            let query = PostgresQuery(unsafeSQL: "SELECT \(schema.quoted).strata_register_listener()")
                            let rows = try await ConnectionCloseWatch.shared.run(on: connection) { connection in
                                try await connection.allRows(query, logger: logger)
                            }
                            backend = try rows.first?.decode(Int32.self) ?? 0
                            ownListener.registered(backend)
                            // Anything committed while no one listened is picked up by this wake-up.
                            signal.notify()
                            for try await _ in notifications {
                                signal.notify()
                            }
                        }
                    }
                    if backend != 0 {
                        ownListener.stopped(backend)
                        // The connection goes back to the pool: other processes need not notify it any more. On a
                        // connection that is gone (the usual end of listening) the statement would be dropped and
                        // never answered, so it runs under the close watch too, and the next registration removes
                        // the row instead.
                        if !connection.isClosed {
                            let query = PostgresQuery(unsafeSQL: "DELETE FROM \(schema.quoted).strata_listeners WHERE pid = pg_backend_pid()")
                            _ = try? await ConnectionCloseWatch.shared.run(on: connection) { connection in
                                try await connection.allRows(query, logger: logger)
                            }
                        }
                    }
                    try listened.get()
                }
            } catch {
                if Task.isCancelled { return }
                logger.debug("notification listener lost its connection", metadata: ["strata.error": "\(error)"])
            }
            try? await Task.sleep(for: configuration.reconnectDelay)
        }
    }

    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 40 else { return false }
        let lower = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz_")
        let rest = lower.union(CharacterSet(charactersIn: "0123456789"))
        return lower.contains(first) && name.unicodeScalars.allSatisfy { rest.contains($0) }
    }
}
