//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging
import Tracing

/// Handles commands for one kind of aggregate: load, decide, append, and retry when a concurrent writer won.
///
/// ```swift
/// let accounts = CommandHandler(store: store, decider: Account())
/// let result = try await accounts.handle(.deposit(amount: 10), on: "account-1")
/// print(result.streamVersion, result.position)
/// ```
///
/// Each attempt loads the aggregate (from its latest snapshot, when snapshotting is set, plus the events after
/// it; or from an ``AggregateCache``), decides, and appends expecting the version it loaded. When another writer
/// appended in between, the append throws ``WrongExpectedVersion`` and the handler reads the events appended since,
/// folds them in and decides again, up to maximumAttempts times, then rethrows. ``DomainError`` from the decider is
/// never retried.
///
/// Commands on one stream through the handler and its copies take turns (``serializesCommandsPerStream``): a
/// command waits until the one before it has appended, so that within one process they do not conflict.
///
/// A command sent with an idempotency key is handled at most once per key: see
/// handle(_:on:expectedVersion:metadata:idempotencyKey:).
public struct CommandHandler<D: Decider>: Sendable {
    /// The store the aggregate lives in.
    public let store: any EventStore
    /// The business logic.
    public let decider: D
    /// How many times a command is decided before a version conflict is given up on.
    public var maximumAttempts: Int
    /// What to do with stored events the decider's codec does not know.
    public var unknownEvents: UnknownEventPolicy
    /// Where, when and how the aggregate is snapshotted; `nil` to always load from the first event.
    public var snapshotting: Snapshotting<D.State>?
    /// Where outcomes of commands sent with an idempotency key are kept; by default the event store.
    public var outcomes: (any CommandOutcomeStore)?
    /// How long an idempotency key is remembered: a retry after that is handled as a new command.
    public var idempotencyRetention: Duration
    /// Keys the fingerprints of idempotent commands, which may carry personal data; by default the store's
    /// (``PersonalDataDigester/of(_:)``), `nil` for plain SHA-256 fingerprints.
    public var digester: PersonalDataDigester?
    /// Where aggregates are kept between commands; `nil` to load every command's aggregate from the store.
    public var cache: AggregateCache<D.State>?
    /// Where to log retries, replays and snapshot problems.
    public var logger: Logger
    /// Whether commands on one stream through this handler and its copies take turns: each waits until the one
    /// before it has appended, instead of deciding on the same version and being retried. Commands through other
    /// handlers and other processes still meet in the store's version check.
    public var serializesCommandsPerStream: Bool
    /// Shared by the handler's copies, like the cache.
    let turns = StreamTurns()

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - store: The event store.
    ///   - decider: The aggregate's business logic.
    ///   - maximumAttempts: How many times to decide before a conflict is rethrown; at least 1.
    ///   - unknownEvents: Whether loading skips or fails on unknown event types.
    ///   - snapshotting: How to snapshot the aggregate; `nil` for no snapshots.
    ///   - outcomes: Where to keep idempotent commands' outcomes; `nil` uses `store` when it is a
    ///     CommandOutcomeStore (every Strata backend is).
    ///   - idempotencyRetention: How long idempotency keys are remembered; 24 hours by default.
    ///   - cache: Where to keep aggregates between commands; `nil` for no cache. See ``AggregateCache``.
    ///   - serializesCommandsPerStream: Whether commands on one stream through this handler wait for each other
    ///     instead of racing and being retried; on by default.
    ///   - logger: Where to log.
    public init(
        store: any EventStore,
        decider: D,
        maximumAttempts: Int = 5,
        unknownEvents: UnknownEventPolicy = .fail,
        snapshotting: Snapshotting<D.State>? = nil,
        outcomes: (any CommandOutcomeStore)? = nil,
        idempotencyRetention: Duration = .seconds(86_400),
        cache: AggregateCache<D.State>? = nil,
        serializesCommandsPerStream: Bool = true,
        logger: Logger = Logger(label: "strata.command", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        precondition(maximumAttempts >= 1, "a command needs at least one attempt")
        self.store = store
        self.decider = decider
        self.maximumAttempts = maximumAttempts
        self.unknownEvents = unknownEvents
        self.snapshotting = snapshotting
        self.outcomes = outcomes ?? (store as? any CommandOutcomeStore)
        self.idempotencyRetention = idempotencyRetention
        self.digester = PersonalDataDigester.of(store)
        self.cache = cache
        self.serializesCommandsPerStream = serializesCommandsPerStream
        self.logger = logger
    }

    /// Handles a command.
    ///
    /// - Parameters:
    ///   - command: The command.
    ///   - stream: The aggregate's stream.
    ///   - expectedVersion: When set, the command applies only if the stream is at this version (a conditional
    ///     command, as with HTTP `If-Match`); a mismatch throws WrongExpectedVersion without retrying.
    ///   - metadata: Correlation, causation and annotations for the events.
    ///   - idempotencyKey: When set, the command takes effect at most once per key: its outcome (the events it
    ///     appended, "no change", or its DomainError) is stored in the transaction that appends its events, and a
    ///     later command with the same key, even after a restart, gets that outcome back (CommandResult/isReplay)
    ///     without being decided again. A key reused for a different command or stream throws
    ///     IdempotencyKeyReuse. Keys are remembered for idempotencyRetention.
    /// - Returns: The new events, the stream's version and the position of its last event.
    /// - Throws: ``DomainError`` (or any error) from the decider; ``WrongExpectedVersion`` when conflicts
    ///   outlast maximumAttempts or a conditional command's version does not match; store errors; CancellationError
    ///   when the task is cancelled while the command waits for its turn on the stream.
    public func handle(
        _ command: D.Command,
        on stream: StreamID,
        expectedVersion: StreamVersion? = nil,
        metadata: CommandMetadata = CommandMetadata(),
        idempotencyKey: String? = nil
    ) async throws -> CommandResult<D.Event> {
        try await withSpan("strata.command", ofKind: .internal) { span in
            span.attributes["strata.stream"] = stream.rawValue
            // The events carry the command's trace context, so that the projections and process managers that
            // apply them later join its trace.
            var eventMetadata = metadata.eventMetadata
            TraceContext.inject(into: &eventMetadata.custom, from: span.context)
            let pending = PendingCommand<D>(
                command: command,
                stream: stream,
                expectedVersion: expectedVersion,
                eventMetadata: eventMetadata,
                idempotency: try await idempotentCommand(command, on: stream, expectedVersion: expectedVersion, key: idempotencyKey)
            )
            guard serializesCommandsPerStream else { return try await decideUntilSettled(pending, span: span) }
            return try await turns.withTurn(on: stream) { waited in
                // Marks when the turn came, so that a trace shows how long a busy aggregate kept the command waiting.
                if waited { span.addEvent("strata.command.turn") }
                return try await decideUntilSettled(pending, span: span)
            }
        }
    }
}
