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

/// A read store in PostgreSQL: read models, the projection registry and parked events in one schema.
///
/// The schema (Configuration/schema, `strata_read` by default) can sit beside an event store's in the same
/// database or in a database of its own; the event store that feeds it may be any backend. Read models come in
/// two styles, as in every read store: document collections (JSON by key, each indexed field in its own
/// columns under a B-tree index) and SQL tables that a projection creates by migrations and writes with raw SQL
/// in `$1` dialect. Unqualified table names in that SQL resolve to the read store's schema.
///
/// ## Transactions
/// A projection batch is one `READ COMMITTED` transaction on one leased connection. Transactions of different
/// projections run side by side; those of one projection take turns, because reading or writing a projection's
/// registry entry in a transaction first takes a transaction-scoped advisory lock keyed by the schema and the
/// projection's name. The lock (rather than `SELECT … FOR UPDATE`) also covers a projection that has no row yet,
/// so two processes starting it at once do not both create it. Each statement of a `READ COMMITTED`
/// transaction reads a fresh snapshot, so the registry read that follows the lock sees the committed result of
/// the previous holder: the projection worker's read-compare-write of its registry entry is safe across
/// processes. Readers use a `REPEATABLE READ READ ONLY` transaction, so one query sees one snapshot and raw
/// SQL through a reader cannot write.
///
/// The client's pool needs at least two connections: a reader can run while a transaction holds one.
///
/// ```swift
/// let client = PostgresClient(configuration: settings.client)   // run by the caller, as for PostgresEventStore
/// let readStore = try PostgresReadStore(client: client, configuration: .init(schema: "shop_read"))
/// try await readStore.migrate()
/// let runner = ProjectionRunner(store: events, readStore: readStore, projections: [OrderSummaries()])
/// ```
public final class PostgresReadStore: ReadStore {
    /// The settings the store was made with.
    public let configuration: Configuration

    let client: PostgresClient
    let schema: PostgresReadStoreSchema
    var logger: Logger { configuration.logger }
    /// The key lookups prepared on each connection of the client.
    let prepared = PreparedStatements()

    /// Whether run() runs the client, because the store made it.
    private let ownsClient: Bool

    /// Creates a read store on a client that the caller runs.
    ///
    /// Call migrate() before first use.
    ///
    /// - Throws: ReadStoreError with code `invalidArgument` when the schema name is not a plain identifier.
    public convenience init(client: PostgresClient, configuration: Configuration = Configuration()) throws {
        try self.init(client: client, ownsClient: false, configuration: configuration)
    }

    /// Creates a read store, and its own client, from a URL such as
    /// `postgres://user:password@host:5432/database?schema=shop_read&sslmode=require`.
    ///
    /// The URL's `schema` replaces the configuration's. The store runs the client in run(); call migrate() once
    /// it runs.
    ///
    /// - Throws: ReadStoreError with code `invalidArgument` when the URL or the schema name is not valid.
    public convenience init(url: String, configuration: Configuration = Configuration()) throws {
        let settings: PostgresConnectionSettings
        do {
            settings = try PostgresConnectionSettings(url: url)
        } catch {
            throw ReadStoreError(.invalidArgument, "\(error)")
        }
        var configuration = configuration
        if let schema = settings.schema { configuration.schema = schema }
        try self.init(client: PostgresClient(configuration: settings.client), ownsClient: true, configuration: configuration)
    }

    private init(client: PostgresClient, ownsClient: Bool, configuration: Configuration) throws {
        guard PostgresEventStore.isPlainIdentifier(configuration.schema) else {
            throw ReadStoreError(
                .invalidArgument,
                "'\(configuration.schema)' is not a valid schema name: use lower-case letters, digits and _"
            )
        }
        self.configuration = configuration
        self.client = client
        self.ownsClient = ownsClient
        self.schema = PostgresReadStoreSchema(name: configuration.schema)
    }

    /// Runs the store's own client (when it made it from a URL) until cancelled or shut down gracefully.
    public func run() async {
        guard ownsClient else { return }
        await withDiscardingTaskGroup { group in
            group.addTask { await self.client.run() }
            try? await cancelWhenGracefulShutdown {
                try await Task.sleep(for: .seconds(Int64.max / 2))
            }
            group.cancelAll()
        }
    }

    /// Creates the schema and applies the migrations this read store does not have yet. Safe to call from many
    /// processes at once, and again at every start.
    ///
    /// - Throws: ReadStoreError with code `unavailable` when the server cannot be reached, `storage` otherwise.
    public func migrate() async throws {
        let migrator = PostgresMigrator(client: client, schema: schema, logger: logger, connectionWaitLimit: configuration.connectionWaitLimit)
        do {
            try await migrator.migrate()
        } catch {
            throw PostgresErrors.readStoreError(error, "migrate the read store in schema \(schema.name)")
        }
    }

    /// Whether the schema holds a read store already, migrated or not to the latest version; lets a tool that
    /// should only read refuse a wrong schema name instead of creating an empty read store there.
    ///
    /// - Throws: ReadStoreError with code `unavailable` when the server cannot be reached, `storage` otherwise.
    public func exists() async throws -> Bool {
        let table = "\(schema.quoted).strata_projections"
        do {
            let rows = try await client.allRows("SELECT to_regclass(\(table)) IS NOT NULL", logger: logger)
            return try rows.first?.decode(Bool.self) ?? false
        } catch {
            throw PostgresErrors.readStoreError(error, "look for a read store in schema \(schema.name)")
        }
    }

    /// Runs `body` in one `READ COMMITTED` transaction on one connection, committing when it returns and rolling
    /// back when it throws. The body's own errors are rethrown unchanged.
    ///
    /// - Throws: ReadStoreError with code `unavailable` when the server cannot be reached or the connection is
    ///   lost, `storage` when PostgreSQL fails otherwise.
    public func withTransaction<T>(_ body: (any ReadStoreTransaction) async throws -> T) async throws -> T {
        try await withAccess(.transaction, body)
    }

    /// Runs `body` in one `REPEATABLE READ READ ONLY` transaction: every read sees the same committed snapshot.
    ///
    /// - Throws: ReadStoreError with code `unavailable` when the server cannot be reached or the connection is
    ///   lost, `storage` when PostgreSQL fails otherwise.
    public func withReader<T>(_ body: (any ReadStoreReader) async throws -> T) async throws -> T {
        if let limit = configuration.readerConnectionWaitLimit {
            return try await withAccess(.reader, waitingAtMost: limit, body)
        }
        return try await withAccess(.reader, body)
    }

    /// Runs withAccess(_:_:), failing with `unavailable` when no connection is lent within `limit`; once `body`
    /// has a connection, it runs to its end.
    ///
    /// postgres-nio's pool queues a request while it cannot reach the server, and cancelling the waiting task
    /// withdraws the request. So the access runs in a child task beside a timer, and the timer cancels it unless a
    /// connection arrived first. The task group awaits both children before it returns, so `body` never outlives
    /// this call, although the child that runs it needs it as a sendable value.
    private func withAccess<T>(
        _ mode: PostgresReadStoreAccess.Mode,
        waitingAtMost limit: Duration,
        _ body: (PostgresReadStoreAccess) async throws -> T
    ) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            let work = ScopedValue(body)
            let lease = LeaseDeadline()
            return try await withThrowingTaskGroup(of: ScopedValue<T>?.self) { group in
                group.addTask {
                    ScopedValue(
                        try await self.withAccess(mode) { access in
                            // The deadline may have passed just as the connection arrived: its error is the answer.
                            guard lease.claim(.leased) else { throw CancellationError() }
                            return try await work.value(access)
                        }
                    )
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    guard lease.claim(.expired) else { return nil }
                    throw ReadStoreError(.unavailable, "PostgreSQL is unavailable: no connection within \(limit)")
                }
                while let next = try await group.next() {
                    guard let result = next else { continue }
                    group.cancelAll()
                    return result.value
                }
                throw CancellationError()
            }
        }
    }

    /// An error of the caller's body, carried through the client unchanged.
    private struct BodyError: Error {
        var error: any Error
    }

    /// Leases a connection, opens a transaction of `mode` on it, and runs `body`; commits when it returns and rolls
    /// back when it throws. Only the driver's failures are translated: the body's own errors reach the caller
    /// unchanged.
    private func withAccess<T>(_ mode: PostgresReadStoreAccess.Mode, _ body: (PostgresReadStoreAccess) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in
                let access = PostgresReadStoreAccess(
                    schema: schema,
                    connection: connection,
                    mode: mode,
                    prepared: prepared,
                    logger: logger
                )
                do {
                    try await access.begin()
                    let result: T
                    do {
                        result = try await body(access)
                    } catch {
                        await access.rollBack()
                        throw BodyError(error: error)
                    }
                    try await access.commit()
                    await access.prepareRelease()
                    return result
                } catch {
                    await access.prepareRelease()
                    throw error
                }
            }
        } catch let error as BodyError {
            throw error.error
        } catch {
            throw PostgresErrors.readStoreError(error, mode == .transaction ? "run a read-store transaction" : "read the read store")
        }
    }
}

/// A value that is used only inside the scope that made it, handed to a child task of a group that scope awaits.
private struct ScopedValue<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) { self.value = value }
}
