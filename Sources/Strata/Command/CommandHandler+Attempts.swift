//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Tracing

/// A command with what every attempt at it shares.
struct PendingCommand<D: Decider>: Sendable {
    let command: D.Command
    let stream: StreamID
    /// The version a conditional command requires; a mismatch is never retried.
    let expectedVersion: StreamVersion?
    let eventMetadata: EventMetadata
    /// Set when the command came with an idempotency key.
    let idempotency: IdempotentCommand?
}

/// One attempt at a command: its number, and where its aggregate comes from.
///
/// The rules that move from one attempt to the next live here and nowhere else:
/// - the first attempt may take the aggregate from the cache; once a cached aggregate proves stale, or an append
///   fails, every later attempt loads from the store;
/// - a stale cache is not a conflict, so it does not count against `maximumAttempts`; a version conflict does;
/// - a retry reads only the events after what the failed attempt had loaded.
struct CommandAttempt<State: Sendable>: Sendable {
    enum Source: Sendable {
        /// The cache, or the store when the cache holds nothing for the stream.
        case cache
        /// The store; with an earlier load, only the events after it.
        case store(after: AggregateLoad<State>?)
    }

    var number: Int
    var source: Source

    static func first(usingCache: Bool) -> Self {
        CommandAttempt(number: 1, source: usingCache ? .cache : .store(after: nil))
    }

    /// The attempt after a cached aggregate proved stale: the same number, from the store.
    func afterStaleCache(_ cached: AggregateLoad<State>, streamExists: Bool) -> Self {
        // A stream that is gone (deleted) is loaded afresh rather than caught up from what was cached.
        CommandAttempt(number: number, source: .store(after: streamExists ? cached : nil))
    }

    /// The attempt after a version conflict: the next number, catching up from what this one loaded.
    func afterConflict(_ loaded: AggregateLoad<State>) -> Self {
        CommandAttempt(number: number + 1, source: .store(after: loaded))
    }
}

/// An aggregate as an attempt loaded it.
struct LoadedAggregate<State: Sendable>: Sendable {
    let load: AggregateLoad<State>
    /// Whether it came from the cache, so that an outcome no append confirms must be checked against the stream.
    let isCached: Bool

    var aggregate: AggregateState<State> { load.aggregate }
}

/// What one attempt at a command came to.
enum AttemptOutcome<D: Decider>: Sendable {
    case finished(CommandResult<D.Event>)
    case retry(CommandAttempt<D.State>)
}

extension CommandHandler {
    /// Runs attempts at `pending` until one finishes: replayed from its idempotency key, appended, or failed.
    func decideUntilSettled(_ pending: PendingCommand<D>, span: any Span) async throws -> CommandResult<D.Event> {
        var attempt = CommandAttempt<D.State>.first(usingCache: cache != nil)
        while true {
            if let idempotency = pending.idempotency, let original = try await idempotency.recordedOutcome(on: pending.stream) {
                span.attributes["strata.command.replayed"] = true
                return try await replay(original)
            }
            let loaded = try await load(pending.stream, for: attempt)
            switch try await decideAndAppend(pending, loaded: loaded, attempt: attempt) {
            case .finished(let result):
                span.attributes["strata.command.events"] = result.events.count
                span.attributes["strata.position"] = Int64(clamping: result.position.value)
                return result
            case .retry(let next):
                span.addEvent("strata.command.conflict")
                attempt = next
            }
        }
    }

    /// The idempotency bookkeeping of a command sent with `key`; `nil` without a key.
    func idempotentCommand(
        _ command: D.Command,
        on stream: StreamID,
        expectedVersion: StreamVersion?,
        key: String?
    ) async throws -> IdempotentCommand? {
        guard let key else { return nil }
        guard let outcomes else {
            throw EventStoreError(.invalidArgument, "an idempotency key needs a CommandOutcomeStore, and the handler has none")
        }
        let fingerprints = try await CommandFingerprint.of(command, on: stream, expectedVersion: expectedVersion, digester: digester)
        return IdempotentCommand(
            key: key,
            fingerprint: fingerprints.keyed,
            unkeyedFingerprint: fingerprints.plain,
            outcomes: outcomes,
            retention: idempotencyRetention
        )
    }

    /// Loads the aggregate for `attempt`, from the cache when the attempt may use it and the cache has it.
    func load(_ stream: StreamID, for attempt: CommandAttempt<D.State>) async throws -> LoadedAggregate<D.State> {
        let earlier: AggregateLoad<D.State>?
        switch attempt.source {
        case .cache:
            if let cached = cache?.cachedLoad(of: stream) {
                return LoadedAggregate(load: cached, isCached: true)
            }
            earlier = nil
        case .store(let after):
            earlier = after
        }
        let loaded = try await loadAggregate(stream, after: earlier)
        cache?.keep(loaded, for: stream)
        return LoadedAggregate(load: loaded, isCached: false)
    }

    /// Decides the command on the loaded aggregate and appends what it decided.
    ///
    /// A rejection, "no change" and a version mismatch are outcomes that no append confirms: when they were
    /// decided on a cached aggregate, the stream is checked first, and a stale cache means another attempt.
    func decideAndAppend(
        _ pending: PendingCommand<D>,
        loaded: LoadedAggregate<D.State>,
        attempt: CommandAttempt<D.State>
    ) async throws -> AttemptOutcome<D> {
        let aggregate = loaded.aggregate
        if let expectedVersion = pending.expectedVersion, aggregate.version != expectedVersion {
            if let retry = try await retryIfStale(loaded, on: pending.stream, attempt: attempt) { return .retry(retry) }
            throw WrongExpectedVersion(stream: pending.stream, expected: .exactly(expectedVersion), actual: aggregate.version)
        }
        let events: [D.Event]
        do {
            events = try decider.decide(pending.command, state: aggregate.state)
        } catch let rejection as DomainError {
            if let retry = try await retryIfStale(loaded, on: pending.stream, attempt: attempt) { return .retry(retry) }
            try await pending.idempotency?.recordRejection(rejection, on: pending.stream, loaded: aggregate, replay: replay)
            throw rejection
        }
        guard !events.isEmpty else {
            if let retry = try await retryIfStale(loaded, on: pending.stream, attempt: attempt) { return .retry(retry) }
            let unchanged = CommandResult(
                events: [D.Event](), streamVersion: aggregate.version, position: aggregate.position, attempts: attempt.number)
            guard let idempotency = pending.idempotency else { return .finished(unchanged) }
            return .finished(try await idempotency.recordNoChange(unchanged, on: pending.stream, replay: replay))
        }
        return try await append(events, for: pending, loaded: loaded.load, attempt: attempt)
    }

    /// The next attempt when `loaded` came from the cache and the stream has moved on since; `nil` otherwise.
    func retryIfStale(
        _ loaded: LoadedAggregate<D.State>,
        on stream: StreamID,
        attempt: CommandAttempt<D.State>
    ) async throws -> CommandAttempt<D.State>? {
        guard loaded.isCached else { return nil }
        let current = try await store.currentVersion(of: stream)
        guard current != loaded.aggregate.version else { return nil }
        cache?.remove(stream)
        return attempt.afterStaleCache(loaded.load, streamExists: current != nil)
    }

    /// Appends the decided events expecting the loaded version; a version conflict (when the command is not
    /// conditional and attempts remain) means another attempt.
    func append(
        _ events: [D.Event],
        for pending: PendingCommand<D>,
        loaded: AggregateLoad<D.State>,
        attempt: CommandAttempt<D.State>
    ) async throws -> AttemptOutcome<D> {
        let stream = pending.stream
        let newEvents = try events.map { try decider.codec.newEvent($0, metadata: pending.eventMetadata) }
        let expected: ExpectedVersion = loaded.aggregate.version.map { .exactly($0) } ?? .noStream
        do {
            let result: CommandResult<D.Event>
            if let idempotency = pending.idempotency {
                let append = PendingAppend(events: newEvents, stream: stream, expected: expected)
                switch try await idempotency.recordAppend(append, firstVersion: loaded.aggregate.version?.next ?? .first) {
                case .alreadyRecorded(let original):
                    cache?.remove(stream)
                    return .finished(try await replay(original))
                case .recorded(let record):
                    result = CommandResult(events: events, streamVersion: record.streamVersion, position: record.position, attempts: attempt.number)
                }
            } else {
                let appended = try await store.append(newEvents, to: stream, expecting: expected)
                result = CommandResult(events: events, streamVersion: appended.streamVersion, position: appended.position, attempts: attempt.number)
            }
            if let after = await afterAppend(loaded, appended: events, result: result, on: stream) {
                cache?.keep(after, for: stream)
            }
            return .finished(result)
        } catch {
            // Whatever the append found (another writer, a deleted stream), the aggregate is not what was cached.
            cache?.remove(stream)
            guard let conflict = error as? WrongExpectedVersion, pending.expectedVersion == nil, attempt.number < maximumAttempts else {
                throw error
            }
            logger.debug(
                "command conflicted, retrying",
                metadata: [
                    "strata.stream": "\(stream)", "strata.attempt": "\(attempt.number)",
                    "strata.actual": "\(conflict.actual.map(\.description) ?? "none")",
                ]
            )
            return .retry(attempt.afterConflict(loaded))
        }
    }
}
