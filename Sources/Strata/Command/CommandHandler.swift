//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging

/// Handles commands for one kind of aggregate: load, decide, append, and retry when a concurrent writer won.
///
/// ```swift
/// let accounts = CommandHandler(store: store, decider: Account())
/// let result = try await accounts.handle(.deposit(amount: 10), on: "account-1")
/// print(result.streamVersion, result.position)
/// ```
///
/// Each attempt loads the aggregate (from its latest snapshot, when snapshotting is set, plus the events after
/// it; or from an AggregateCache), decides, and appends expecting the version it loaded. When another writer
/// appended in between, the append throws WrongExpectedVersion and the handler reads the events appended since,
/// folds them in and decides again, up to maximumAttempts times, then rethrows. DomainError from the decider is
/// never retried.
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
    /// (PersonalDataDigester/of(_:)), `nil` for plain SHA-256 fingerprints.
    public var digester: PersonalDataDigester?
    /// Where aggregates are kept between commands; `nil` to load every command's aggregate from the store.
    public var cache: AggregateCache<D.State>?
    /// Where to log retries, replays and snapshot problems.
    public var logger: Logger

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
    ///   - cache: Where to keep aggregates between commands; `nil` for no cache. See AggregateCache.
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
    /// - Throws: DomainError (or any error) from the decider; WrongExpectedVersion when conflicts
    ///   outlast maximumAttempts or a conditional command's version does not match; store errors.
    public func handle(
        _ command: D.Command,
        on stream: StreamID,
        expectedVersion: StreamVersion? = nil,
        metadata: CommandMetadata = CommandMetadata(),
        idempotencyKey: String? = nil
    ) async throws -> CommandResult<D.Event> {
        var idempotency: IdempotentCommand? = nil
        if let idempotencyKey {
            guard let outcomes else {
                throw EventStoreError(.invalidArgument, "an idempotency key needs a CommandOutcomeStore, and the handler has none")
            }
            let fingerprints = try await CommandFingerprint.of(command, on: stream, expectedVersion: expectedVersion, digester: digester)
            idempotency = IdempotentCommand(
                key: idempotencyKey,
                fingerprint: fingerprints.keyed,
                unkeyedFingerprint: fingerprints.plain,
                outcomes: outcomes,
                retention: idempotencyRetention
            )
        }
        let eventMetadata = metadata.eventMetadata
        var attempt = 1
        // A cached aggregate is used at most once per command: once it proves stale, the stream decides.
        var mayUseCache = cache != nil
        // What an attempt that proved stale had loaded: the next attempt reads only the events after it.
        var outdated: AggregateLoad<D.State>? = nil
        while true {
            if let idempotency, let original = try await idempotency.recordedOutcome(on: stream) {
                return try await replay(original)
            }
            let cached = mayUseCache ? cache?.cachedLoad(of: stream) : nil
            let loaded: AggregateLoad<D.State>
            if let cached {
                loaded = cached
            } else {
                loaded = try await loadReporting(stream, after: outdated)
                cache?.keep(loaded, for: stream)
            }
            // Outcomes that no append confirms are checked against the stream when they come from the cache.
            func isStale() async throws -> Bool {
                guard cached != nil else { return false }
                let current = try await store.currentVersion(of: stream)
                guard current != loaded.aggregate.version else { return false }
                cache?.remove(stream)
                mayUseCache = false
                // A stream that is gone (deleted) is loaded afresh rather than caught up from what was cached.
                outdated = current == nil ? nil : loaded
                return true
            }
            if let expectedVersion, loaded.aggregate.version != expectedVersion {
                if try await isStale() { continue }
                throw WrongExpectedVersion(stream: stream, expected: .exactly(expectedVersion), actual: loaded.aggregate.version)
            }
            let events: [D.Event]
            do {
                events = try decider.decide(command, state: loaded.aggregate.state)
            } catch let rejection as DomainError {
                if try await isStale() { continue }
                if let idempotency {
                    try await idempotency.recordRejection(rejection, on: stream, loaded: loaded.aggregate, replay: replay)
                }
                throw rejection
            }
            guard !events.isEmpty else {
                if try await isStale() { continue }
                let unchanged = CommandResult(
                    events: [D.Event](),
                    streamVersion: loaded.aggregate.version,
                    position: loaded.aggregate.position,
                    attempts: attempt
                )
                if let idempotency {
                    return try await idempotency.recordNoChange(unchanged, on: stream, replay: replay)
                }
                return unchanged
            }
            let newEvents = try events.map { try decider.codec.newEvent($0, metadata: eventMetadata) }
            let expected: ExpectedVersion = loaded.aggregate.version.map { .exactly($0) } ?? .noStream
            do {
                let result: CommandResult<D.Event>
                if let idempotency {
                    let append = PendingAppend(events: newEvents, stream: stream, expected: expected)
                    switch try await idempotency.recordAppend(append, firstVersion: loaded.aggregate.version?.next ?? .first) {
                    case .alreadyRecorded(let original):
                        cache?.remove(stream)
                        return try await replay(original)
                    case .recorded(let record):
                        result = CommandResult(events: events, streamVersion: record.streamVersion, position: record.position, attempts: attempt)
                    }
                } else {
                    let appended = try await store.append(newEvents, to: stream, expecting: expected)
                    result = CommandResult(events: events, streamVersion: appended.streamVersion, position: appended.position, attempts: attempt)
                }
                if let after = await afterAppend(loaded, appended: events, result: result, on: stream) {
                    cache?.keep(after, for: stream)
                }
                return result
            } catch {
                // Whatever the append found (another writer, a deleted stream), the aggregate is not what was cached.
                cache?.remove(stream)
                mayUseCache = false
                guard let conflict = error as? WrongExpectedVersion, expectedVersion == nil, attempt < maximumAttempts else { throw error }
                outdated = loaded
                logger.debug(
                    "command conflicted, retrying",
                    metadata: [
                        "strata.stream": "\(stream)", "strata.attempt": "\(attempt)",
                        "strata.actual": "\(conflict.actual.map(\.description) ?? "none")",
                    ]
                )
                attempt += 1
            }
        }
    }
}
