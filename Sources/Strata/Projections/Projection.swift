//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// Turns events into read-model changes: the query side of CQRS.
///
/// A projection names the events it handles (filter) and applies each to its read model through a
/// ``ProjectionContext``: documents in collections it declares, or its own SQL tables created by versioned
/// migrations. A ``ProjectionRunner`` feeds it in batches, each applied in one read-store transaction
/// together with the projection's checkpoint.
///
/// ```swift
/// struct OrderSummaries: Projection {
///     let name = "order-summary"
///     let version = 1
///     let codec = EventRegistry(OrderPlaced.self, OrderShipped.self)
///     var filter: EventFilter { .category("order").eventTypes(codec.eventTypes) }
///     var schema: ReadModelSchema { ReadModelSchema(collections: [DocumentCollection("orders", indexes: ["customerId", "status"])]) }
///
///     func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws {
///         let orders = try context.documents("orders", as: OrderSummary.self)
///         switch try codec.decode(event) {
///         case let placed as OrderPlaced:
///             try await orders.put(OrderSummary(customerId: placed.customer, status: "open"), key: event.stream.rawValue)
///         case is OrderShipped:
///             try await orders.updateIfPresent(event.stream.rawValue) { $0.status = "shipped" }
///         default: break
///         }
///     }
/// }
/// ```
///
/// Handlers must be deterministic and touch only the read store through `context`: a batch that fails is
/// rolled back and applied again, and a rebuild applies the whole log again.
public protocol Projection: Sendable {
    /// The projection's stable name: its registry key, and the prefix of its collections and tables.
    var name: String { get }

    /// The code version. When it changes, a runner configured with `rebuildOnVersionChange` rebuilds the
    /// read model from the start of the log beside the current one.
    var version: Int { get }

    /// The events the projection handles. The runner still passes the others, so that read-your-writes
    /// waits for positions it does not handle end.
    var filter: EventFilter { get }

    /// The collections and tables the projection writes.
    var schema: ReadModelSchema { get }

    /// What to do when apply(_:in:) throws; `nil` for the runner's default.
    var failurePolicy: ProjectionFailurePolicy? { get }

    /// Applies one event to the read model.
    ///
    /// - Throws: Any error to have the event retried, then parked or the projection stopped, as the
    ///   failure policy says.
    func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws

    /// What ``decode(_:)`` makes of an event for ``apply(_:decoded:in:)``; `Void` for a projection that decodes
    /// in ``apply(_:in:)``.
    associatedtype DecodedEvent: Sendable = Void

    /// Decodes `event` without the read model, ahead of applying it.
    ///
    /// While a catch-up or a rebuild commits one batch, the runner reads and decodes the next, so that decoding
    /// runs beside the commit's flush to disk, on another core. ``EventProjection`` decodes through its codec.
    ///
    /// - Throws: Any error; it counts as a failure of the event's apply, retried, parked or stopping the
    ///   projection as the failure policy says.
    func decode(_ event: RecordedEvent) throws -> DecodedEvent

    /// Applies one event that ``decode(_:)`` decoded; by default, ``apply(_:in:)``.
    func apply(_ event: RecordedEvent, decoded: DecodedEvent, in context: ProjectionContext) async throws

    /// The documents `apply` will read for `event`, by a collection of ``schema`` and a key.
    ///
    /// A hint: before applying a batch, the runner reads the documents that its events name in one query per
    /// collection, instead of one query per document as `apply` asks for them; on PostgreSQL that is one round
    /// trip instead of dozens. A document named but not read costs only its share of that query, and one read
    /// but not named is read when asked, as without the hint. Answers nothing by default.
    func documentKeys(for event: RecordedEvent) -> [DocumentKey]
}

/// A document of a projection's collection: the collection's name as the projection's schema declares it, and
/// the key.
public struct DocumentKey: Hashable, Sendable {
    public var collection: String
    public var key: String

    public init(_ collection: String, _ key: String) {
        self.collection = collection
        self.key = key
    }
}

extension Projection {
    /// Version 1.
    public var version: Int { 1 }
    /// Every event.
    public var filter: EventFilter { .all }
    /// No collections and no tables.
    public var schema: ReadModelSchema { ReadModelSchema() }
    /// The runner's default.
    public var failurePolicy: ProjectionFailurePolicy? { nil }
    /// No hint: each document is read when `apply` asks for it.
    public func documentKeys(for event: RecordedEvent) -> [DocumentKey] { [] }
}

extension Projection where DecodedEvent == Void {
    /// Nothing to decode ahead: ``apply(_:in:)`` decodes.
    public func decode(_ event: RecordedEvent) {}

    /// Applies the event with ``apply(_:in:)``.
    public func apply(_ event: RecordedEvent, decoded: Void, in context: ProjectionContext) async throws {
        try await apply(event, in: context)
    }
}

/// What a projection writes: document collections, and SQL tables with the migrations that create them.
public struct ReadModelSchema: Sendable {
    /// The document collections.
    public var collections: [DocumentCollection]
    /// The names of the SQL tables the migrations create, dropped with their generation.
    public var tables: [String]
    /// The SQL migrations, applied in ascending version to each new generation, and to the live generation
    /// when new ones appear and the projection is not rebuilt.
    public var migrations: [SQLMigration]

    public init(collections: [DocumentCollection] = [], tables: [String] = [], migrations: [SQLMigration] = []) {
        self.collections = collections
        self.tables = tables
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// The highest migration version, or 0.
    public var latestSchemaVersion: Int { migrations.last?.version ?? 0 }
}

/// One step of a SQL read model's schema: statements that take it from the previous version to `version`.
///
/// ```swift
/// SQLMigration(version: 1) { tables in
///     ["CREATE TABLE \(tables["totals"]) (customer TEXT PRIMARY KEY, amount INTEGER NOT NULL)"]
/// }
/// ```
public struct SQLMigration: Sendable {
    /// The schema version this step reaches. Released steps are never edited; add a new one instead.
    public var version: Int
    /// The statements, given the physical table names of the generation being migrated.
    public var statements: @Sendable (ReadModelTables) -> [String]

    public init(version: Int, _ statements: @escaping @Sendable (ReadModelTables) -> [String]) {
        self.version = version
        self.statements = statements
    }
}
