//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging

/// What loading an aggregate found, beside its state: what snapshotting needs to decide.
struct AggregateLoad<State: Sendable>: Sendable {
    var aggregate: AggregateState<State>
    /// The version the snapshot that was used covers; `nil` when none was.
    var snapshotVersion: StreamVersion?
    /// Whether a stored snapshot had to be ignored, so that it should be replaced.
    var snapshotUnusable: Bool
    /// How long reading and folding took.
    var duration: Duration

    /// How many events the aggregate has beyond its snapshot after `appended` more.
    func eventsSinceSnapshot(appended: Int = 0) -> UInt64 {
        guard let version = aggregate.version else { return UInt64(appended) }
        let covered = snapshotVersion.map { $0.value + 1 } ?? 0
        return version.value + 1 - covered + UInt64(appended)
    }
}

extension CommandHandler {
    /// Loads an aggregate's current state: from its latest usable snapshot, when snapshotting is set, plus the
    /// events after it. Saves a snapshot when the policy says one is due.
    public func load(_ stream: StreamID) async throws -> AggregateState<D.State> {
        let loaded = try await loadAggregate(stream)
        if let snapshotting, isSnapshotDue(loaded, appended: 0, policy: snapshotting.policy) {
            await saveSnapshot(of: loaded.aggregate, on: stream, using: snapshotting)
        }
        return loaded.aggregate
    }

    /// Loads the aggregate and saves a snapshot of it now, whatever the policy.
    ///
    /// - Returns: The snapshot saved, or `nil` when the stream has no events.
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/invalidArgument`` when snapshotting is not set;
    ///   load and store errors.
    @discardableResult
    public func takeSnapshot(of stream: StreamID) async throws -> Snapshot? {
        guard let snapshotting else {
            throw EventStoreError(.invalidArgument, "cannot snapshot '\(stream)': the command handler has no snapshotting settings")
        }
        let loaded = try await loadAggregate(stream)
        guard let snapshot = try makeSnapshot(of: loaded.aggregate, on: stream, using: snapshotting) else { return nil }
        try await snapshotting.store.saveSnapshot(snapshot)
        return snapshot
    }

    /// Loads the aggregate with what snapshotting needs beside its state (the snapshot it started from, whether a
    /// stored snapshot was unusable, how long the load took); with `base`, an earlier load of it, only the events
    /// after that are read and folded.
    func loadAggregate(_ stream: StreamID, after base: AggregateLoad<D.State>? = nil) async throws -> AggregateLoad<D.State> {
        let clock = ContinuousClock()
        let start = clock.now
        var loaded = AggregateState(state: decider.initialState, version: nil, position: .start)
        var snapshotVersion: StreamVersion? = nil
        var snapshotUnusable = false
        if let base {
            loaded = base.aggregate
            snapshotVersion = base.snapshotVersion
            snapshotUnusable = base.snapshotUnusable
        } else if let snapshotting, let snapshot = try await snapshotting.store.snapshot(of: stream, kind: snapshotting.kind) {
            if snapshot.schemaVersion != snapshotting.schemaVersion {
                snapshotUnusable = true
                logger.debug(
                    "ignoring a snapshot of another schema version",
                    metadata: [
                        "strata.stream": "\(stream)", "strata.snapshot.schema": "\(snapshot.schemaVersion)",
                        "strata.expected.schema": "\(snapshotting.schemaVersion)",
                    ]
                )
            } else {
                do {
                    loaded = AggregateState(state: try snapshotting.decode(snapshot.data), version: snapshot.version, position: snapshot.position)
                    snapshotVersion = snapshot.version
                } catch {
                    snapshotUnusable = true
                    logger.warning(
                        "ignoring a snapshot that does not decode; loading from the events",
                        metadata: ["strata.stream": "\(stream)", "strata.snapshot.version": "\(snapshot.version)", "strata.error": "\(error)"]
                    )
                }
            }
        }
        var version = loaded.version?.next ?? .first
        let pageSize = 1000
        while true {
            let page = try await store.readStream(stream, from: version, direction: .forwards, limit: pageSize)
            if let first = page.first, first.version != version {
                // Truncated past what the earlier load holds: only a load from scratch folds what is readable.
                if base != nil { return try await loadAggregate(stream) }
                logger.warning(
                    "the stream is truncated past what the snapshot covers; folding from its first readable event",
                    metadata: ["strata.stream": "\(stream)", "strata.expected.version": "\(version)", "strata.first.version": "\(first.version)"]
                )
            }
            for event in try decider.codec.decode(page, unknownTypes: unknownEvents) {
                loaded.state = decider.evolve(loaded.state, event: event)
            }
            if let last = page.last {
                loaded.version = last.version
                loaded.position = last.position
            }
            guard page.count == pageSize, let last = page.last else { break }
            version = last.version.next
        }
        if loaded.version == nil, let current = try await store.currentVersion(of: stream) {
            // Either every event is truncated away (and no snapshot covers them), or events were appended after the
            // read found none. Only a second read, after the version was taken, tells which: taking the version
            // without the events would let a command decide on an empty state and append after them.
            guard try await store.readStream(stream, from: .first, direction: .forwards, limit: 1).isEmpty else {
                return try await loadAggregate(stream, after: base)
            }
            loaded.version = current
        }
        return AggregateLoad(
            aggregate: loaded, snapshotVersion: snapshotVersion, snapshotUnusable: snapshotUnusable, duration: start.duration(to: clock.now))
    }

    /// The aggregate after a command appended `events`, for the cache; saves a snapshot of it when one is due.
    /// ``Snapshot`` failures are logged, never thrown: the command has succeeded, and a snapshot is only a cache.
    ///
    /// - Returns: The aggregate after the append; `nil` when neither a cache nor a due snapshot needs it.
    func afterAppend(_ loaded: AggregateLoad<D.State>, appended events: [D.Event], result: CommandResult<D.Event>, on stream: StreamID) async
        -> AggregateLoad<D.State>?
    {
        guard let version = result.streamVersion else { return nil }
        let snapshotDue = snapshotting.map { isSnapshotDue(loaded, appended: events.count, policy: $0.policy) } ?? false
        guard cache != nil || snapshotDue else { return nil }
        let state = events.reduce(loaded.aggregate.state) { decider.evolve($0, event: $1) }
        var after = loaded
        after.aggregate = AggregateState(state: state, version: version, position: result.position)
        if let snapshotting, snapshotDue, await saveSnapshot(of: after.aggregate, on: stream, using: snapshotting) {
            after.snapshotVersion = version
            after.snapshotUnusable = false
            // The next load starts from this snapshot, so the slow load that made it due is history.
            after.duration = .zero
        }
        return after
    }

    private func isSnapshotDue(_ loaded: AggregateLoad<D.State>, appended: Int, policy: SnapshotPolicy) -> Bool {
        if loaded.snapshotUnusable, policy.isAutomatic, loaded.aggregate.version != nil { return true }
        return policy.isDue(eventsSinceSnapshot: loaded.eventsSinceSnapshot(appended: appended), loadTime: loaded.duration)
    }

    /// Whether a snapshot was saved.
    @discardableResult
    private func saveSnapshot(of aggregate: AggregateState<D.State>, on stream: StreamID, using snapshotting: Snapshotting<D.State>) async -> Bool {
        do {
            guard let snapshot = try makeSnapshot(of: aggregate, on: stream, using: snapshotting) else { return false }
            try await snapshotting.store.saveSnapshot(snapshot)
            return true
        } catch {
            logger.warning("could not save a snapshot", metadata: ["strata.stream": "\(stream)", "strata.error": "\(error)"])
            return false
        }
    }

    private func makeSnapshot(of aggregate: AggregateState<D.State>, on stream: StreamID, using snapshotting: Snapshotting<D.State>) throws
        -> Snapshot?
    {
        guard let version = aggregate.version else { return nil }
        return Snapshot(
            stream: stream,
            kind: snapshotting.kind,
            version: version,
            position: aggregate.position,
            schemaVersion: snapshotting.schemaVersion,
            data: try snapshotting.encode(aggregate.state)
        )
    }
}
