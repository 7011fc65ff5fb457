//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Runs one projection for a ``ProjectionRunner``: the catch-up and live loop, rebuilds and the metrics.
final class ProjectionWorker: Sendable {
    struct Runtime: Sendable {
        var state = ProjectionState.stopped
        var lastError: String?
    }

    let projection: any Projection
    let schema: ReadModelSchema
    let policy: ProjectionFailurePolicy
    let store: any EventStore
    let readStore: any ReadStore
    let progress: ProjectionProgress
    let configuration: ProjectionRunner.Configuration
    let logger: Logger
    /// Raised by control requests (rebuild, reset), so an idle loop looks at the registry again.
    let control = AppendSignal()
    private let runtimeState = Mutex(Runtime())
    let metrics: ProjectionMetrics
    /// The lossless documents the batches wrote, for the next batches to reuse without decoding.
    let decodedDocuments = DecodedDocuments()

    init(
        projection: any Projection,
        store: any EventStore,
        readStore: any ReadStore,
        progress: ProjectionProgress,
        configuration: ProjectionRunner.Configuration
    ) {
        self.projection = projection
        self.schema = projection.schema
        self.policy = projection.failurePolicy ?? configuration.failurePolicy
        self.store = store
        self.readStore = readStore
        self.progress = progress
        self.configuration = configuration
        var logger = configuration.logger
        logger[metadataKey: "strata.projection"] = "\(projection.name)"
        self.logger = logger
        metrics = ProjectionMetrics(projection: projection.name, factory: configuration.metricsFactory)
    }

    var name: String { projection.name }

    var runtime: Runtime { runtimeState.withLock { $0 } }

    func setState(_ state: ProjectionState) {
        let previous = runtimeState.withLock { runtime in
            defer { runtime.state = state }
            return runtime.state
        }
        if previous != state { metrics.recordState(state) }
    }

    func recordError(_ error: any Error) {
        runtimeState.withLock { $0.lastError = "\(error)" }
    }

    /// Runs until cancelled, shut down gracefully, or stopped by an error (state failed); with leases, only
    /// while this process holds the projection's lease, waiting for it in state standby.
    func run() async {
        guard let leases = configuration.leases else {
            await runHoldingLease()
            return
        }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            setState(.standby)
            do {
                try await leases.withLease(on: name) { await self.runHoldingLease() }
                return
            } catch let lost as ProjectionLeaseLost {
                recordError(lost)
                logger.warning("lost the projection's lease; waiting to take it again", metadata: ["strata.error": "\(lost)"])
            } catch {
                break
            }
        }
        setState(.stopped)
    }

    /// The projection's life while this process may run it.
    private func runHoldingLease() async {
        setState(.catchingUp)
        do {
            var record = try await retrying { try await self.readStore.withTransaction { try await self.start($0) } }
            publish(record, head: nil)
            try await follow(&record)
            setState(.stopped)
        } catch  where Task.isCancelled || Task.isShuttingDownGracefully {
            setState(.stopped)
        } catch {
            recordError(error)
            setState(.failed)
            logger.error("projection stopped", metadata: ["strata.error": "\(error)"])
        }
        // A cancelled runner may have lost its lease to another process, whose report must stand.
        if !Task.isCancelled { await persistReport() }
    }

    /// The catch-up and live loop. A batch is whatever matching events are committed, up to the batch size.
    private func follow(_ record: inout ProjectionRecord) async throws {
        // The page after a full one, read and decoded while the full one committed, and the position it follows.
        var readAhead: (after: GlobalPosition, page: ProjectionPage)?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let lane = record.rebuilding ?? record.active
            let rebuilding = record.rebuilding != nil
            let controlGeneration = control.generation
            let page: ProjectionPage
            if let ahead = readAhead, ahead.after == lane.position {
                page = ahead.page
            } else {
                page = try await readPage(after: lane.position)
            }
            readAhead = nil
            let (head, events) = (page.head, page.events)
            let caughtUp = !page.isFull
            let through = caughtUp ? max(head, events.last?.position ?? .start) : events[events.count - 1].position
            setState(rebuilding ? .rebuilding : caughtUp ? .live : .catchingUp)
            if through > lane.position || (rebuilding && caughtUp) {
                if !rebuilding, let oldest = events.first { metrics.lagSeconds.record(max(0, Date().timeIntervalSince(oldest.recordedAt))) }
                let applied: Bool
                if caughtUp {
                    applied = try await apply(events[...], of: page, through: through, switching: rebuilding, record: &record)
                } else {
                    // More follows: read and decode it while this page commits, which mostly waits for the disk.
                    async let next = readPage(after: through)
                    applied = try await apply(events[...], of: page, through: through, switching: false, record: &record)
                    let nextPage = try await next
                    // Committed, the lane is at `through`; otherwise the loop starts over from the registry.
                    if applied { readAhead = (through, nextPage) }
                }
                if applied { metrics.eventsApplied.increment(by: Int64(events.count)) }
                if caughtUp && !rebuilding { metrics.lagSeconds.record(0) }
                publish(record, head: head)
                continue
            }
            publish(record, head: head)
            // A control request (a rebuild, a reset) or another process may have changed the registry since
            // `record` was read, and before `controlGeneration` was taken: its wake-up is then already spent, so
            // look before waiting. Anything committed after this read raises the generation and wakes the wait.
            let latest = try await retrying { try await self.readStore.withTransaction { try await self.loadOrCreate($0) } }
            if !latest.hasSameProgress(as: record) {
                record = try await retrying { try await self.readStore.withTransaction { try await self.start($0) } }
                continue
            }
            if record.report?.state != runtime.state || record.report?.lastError != runtime.lastError {
                record = try await retrying { try await self.saveReport(in: record) }
            }
            guard await waitForChange(after: through, controlGeneration: controlGeneration, record: record) else { return }
            // A control request or another process may have changed the registry while the loop was idle.
            record = try await retrying { try await self.readStore.withTransaction { try await self.start($0) } }
        }
    }

    /// Reads the batch after `position`, and decodes it.
    private func readPage(after position: GlobalPosition) async throws -> ProjectionPage {
        // The head is read before the page: every event up to it is committed, so when the page comes back short,
        // every matching event up to the head is in it and the lane has processed through the head, even where the
        // projection handles none of the events.
        let head = try await retrying { try await self.store.headPosition() }
        var events = try await retrying {
            try await self.store.readAll(from: position.next, limit: self.configuration.batchSize, filter: self.projection.filter)
        }
        var isFull = events.count >= configuration.batchSize
        if let end = Self.end(of: events, within: configuration.batchBytes) {
            events.removeSubrange(end...)
            isFull = true
        }
        return ProjectionPage(head: head, events: events, isFull: isFull, decodingFor: projection)
    }

    /// Where a page of `events` must end to hold at most `budget` bytes of data and metadata, keeping at least one
    /// event; `nil` when all of them fit.
    static func end(of events: [RecordedEvent], within budget: Int) -> Int? {
        var bytes = 0
        for (index, event) in events.enumerated() {
            bytes += event.data.count + event.metadata.custom.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
            if bytes > budget { return max(index, 1) < events.count ? max(index, 1) : nil }
        }
        return nil
    }

    /// Waits for a commit after `position`, a control request, or a registry entry that no longer has `record`'s
    /// progress; `false` on shutdown or cancellation.
    private func waitForChange(after position: GlobalPosition, controlGeneration: UInt64, record: ProjectionRecord) async -> Bool {
        let store = self.store
        let control = self.control
        let readStore = self.readStore
        let name = self.name
        let pollInterval = configuration.registryPollInterval
        let clock = configuration.clock
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                var events = store.subscribeToAll(from: position.next, filter: .all).cancelOnGracefulShutdown().makeAsyncIterator()
                do {
                    return try await events.next() != nil
                } catch {
                    // The next read reports the failure, with retries.
                    return !Task.isCancelled
                }
            }
            group.addTask {
                await control.wait(after: controlGeneration)
                return !Task.isCancelled
            }
            if let pollInterval {
                // Another process's request raises no signal here: only the registry shows it.
                group.addTask {
                    while true {
                        do {
                            try await clock.sleep(for: pollInterval)
                        } catch {
                            return false
                        }
                        let latest: ProjectionRecord?
                        do {
                            latest = try await readStore.withReader { try await $0.projectionRecord(named: name) }
                        } catch {
                            // A read store that is restarting is no reason to wake: the next poll or event is.
                            continue
                        }
                        if latest.map({ !$0.hasSameProgress(as: record) }) ?? true { return true }
                    }
                }
            }
            let woke = await group.next() ?? false
            group.cancelAll()
            return woke && !Task.isCancelled && !Task.isShuttingDownGracefully
        }
    }

    private func publish(_ record: ProjectionRecord, head: GlobalPosition?) {
        // The gauges first: whoever the progress wakes then reads metrics that agree with it.
        metrics.checkpoint.record(Int64(clamping: record.active.position.value))
        if let head {
            metrics.lagEvents.record(Int64(clamping: head.value > record.active.position.value ? head.value - record.active.position.value : 0))
        }
        progress.advance(name, to: record.active.position)
    }

    /// Runs `operation`, retrying failures of the stores (not of handlers) with the policy's back-off.
    func retrying<T>(_ operation: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await operation()
            } catch {
                if Task.isCancelled || error is CancellationError || error is ProjectionStopped || attempt >= policy.retry.maximumAttempts {
                    throw error
                }
                recordError(error)
                logger.debug("store access failed, retrying", metadata: ["strata.error": "\(error)", "strata.attempt": "\(attempt)"])
                try await backOff(after: attempt)
                attempt += 1
            }
        }
    }

    func backOff(after attempt: Int) async throws {
        let delay = policy.retry.delay(after: attempt)
        guard delay > .zero else { return }
        let clock = configuration.clock
        try await cancelWhenGracefulShutdown { try await clock.sleep(for: delay) }
    }
}

/// A handler failed after its attempts and the policy says stop.
struct ProjectionStopped: Error, CustomStringConvertible {
    var projection: String
    var position: GlobalPosition
    var stream: StreamID
    var underlying: any Error

    var description: String {
        "projection '\(projection)' stopped at position \(position) (stream '\(stream)'): \(underlying)"
    }
}
