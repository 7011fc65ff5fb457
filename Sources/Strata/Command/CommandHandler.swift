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
/// Each attempt reads the stream, folds it into the state, decides, and appends expecting the version it read.
/// When another writer appended in between, the append throws WrongExpectedVersion and the handler starts
/// over, up to maximumAttempts times, then rethrows. DomainError from the decider is never retried.
public struct CommandHandler<D: Decider>: Sendable {
    /// The store the aggregate lives in.
    public let store: any EventStore
    /// The business logic.
    public let decider: D
    /// How many times a command is decided before a version conflict is given up on.
    public var maximumAttempts: Int
    /// What to do with stored events the decider's codec does not know.
    public var unknownEvents: UnknownEventPolicy
    /// Where to log retries.
    public var logger: Logger

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - store: The event store.
    ///   - decider: The aggregate's business logic.
    ///   - maximumAttempts: How many times to decide before a conflict is rethrown; at least 1.
    ///   - unknownEvents: Whether loading skips or fails on unknown event types.
    ///   - logger: Where to log retries.
    public init(
        store: any EventStore,
        decider: D,
        maximumAttempts: Int = 5,
        unknownEvents: UnknownEventPolicy = .fail,
        logger: Logger = Logger(label: "strata.command", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        precondition(maximumAttempts >= 1, "a command needs at least one attempt")
        self.store = store
        self.decider = decider
        self.maximumAttempts = maximumAttempts
        self.unknownEvents = unknownEvents
        self.logger = logger
    }

    /// Loads an aggregate's current state from its stream.
    public func load(_ stream: StreamID) async throws -> AggregateState<D.State> {
        var loaded = AggregateState(state: decider.initialState, version: nil, position: .start)
        var version = StreamVersion.first
        let pageSize = 1000
        while true {
            let page = try await store.readStream(stream, from: version, direction: .forwards, limit: pageSize)
            for event in try decider.codec.decode(page, unknownTypes: unknownEvents) {
                loaded.state = decider.evolve(loaded.state, event: event)
            }
            guard let last = page.last else { return loaded }
            loaded.version = last.version
            loaded.position = last.position
            guard page.count == pageSize else { return loaded }
            version = last.version.next
        }
    }

    /// Handles a command.
    ///
    /// - Parameters:
    ///   - command: The command.
    ///   - stream: The aggregate's stream.
    ///   - expectedVersion: When set, the command applies only if the stream is at this version (a conditional
    ///     command, as with HTTP `If-Match`); a mismatch throws WrongExpectedVersion without retrying.
    ///   - metadata: Correlation, causation and annotations for the events.
    /// - Returns: The new events, the stream's version and the position of its last event.
    /// - Throws: DomainError (or any error) from the decider; WrongExpectedVersion when conflicts
    ///   outlast maximumAttempts or a conditional command's version does not match; store errors.
    public func handle(
        _ command: D.Command,
        on stream: StreamID,
        expectedVersion: StreamVersion? = nil,
        metadata: CommandMetadata = CommandMetadata()
    ) async throws -> CommandResult<D.Event> {
        let eventMetadata = metadata.eventMetadata
        var attempt = 1
        while true {
            let loaded = try await load(stream)
            if let expectedVersion, loaded.version != expectedVersion {
                throw WrongExpectedVersion(stream: stream, expected: .exactly(expectedVersion), actual: loaded.version)
            }
            let events = try decider.decide(command, state: loaded.state)
            guard !events.isEmpty else {
                return CommandResult(events: [], streamVersion: loaded.version, position: loaded.position, attempts: attempt)
            }
            let newEvents = try events.map { try decider.codec.newEvent($0, metadata: eventMetadata) }
            do {
                let expected: ExpectedVersion = loaded.version.map { .exactly($0) } ?? .noStream
                let appended = try await store.append(newEvents, to: stream, expecting: expected)
                return CommandResult(events: events, streamVersion: appended.streamVersion, position: appended.position, attempts: attempt)
            } catch let conflict as WrongExpectedVersion where expectedVersion == nil && attempt < maximumAttempts {
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
