//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Tracing

extension ProjectionWorker {
    /// What a batch's transaction came to.
    enum Commit {
        /// Applied; the registry entry as saved.
        case committed(ProjectionRecord)
        /// Someone else changed the registry entry (a rebuild or reset request); nothing was written.
        case changed(ProjectionRecord)
        /// The handler threw at event `offset` of the batch; nothing was written.
        case failed(offset: Int, error: any Error)
    }

    /// What a commit means to the loop, once its registry entry is taken.
    enum CommitOutcome {
        case committed
        /// The registry entry changed under the loop, which should start over from it.
        case changed
        /// The handler threw at event `offset` of the batch; nothing was written.
        case failed(offset: Int, error: any Error)
    }

    /// Why an event is parked, and after how many attempts.
    struct Parking {
        var error: String
        var attempts: Int
    }

    /// A handler error, thrown out of the transaction to roll it back.
    private struct HandlerFailure: Error {
        var offset: Int
        var error: any Error
    }

    /// Applies `events`, a slice of `page`, and moves the lane to `through`, splitting the batch around events
    /// that fail.
    ///
    /// - Returns: `false` when the registry entry changed under the loop, which should then start over from it.
    func apply(
        _ events: ArraySlice<RecordedEvent>,
        of page: ProjectionPage,
        through: GlobalPosition,
        switching: Bool,
        record: inout ProjectionRecord
    ) async throws -> Bool {
        switch try await commit(events, of: page, through: through, switching: switching, parking: nil, record: &record) {
        case .committed:
            return true
        case .changed:
            return false
        case .failed(let offset, let error):
            let index = events.startIndex + offset
            // Everything before the failing event is fine: commit it alone, through the position just before the
            // failing event (the page holds every matching event in between), then deal with the failing event.
            if offset > 0 {
                let before = GlobalPosition(events[index].position.value - 1)
                guard try await apply(events[..<index], of: page, through: before, switching: false, record: &record) else { return false }
            }
            guard try await retry(at: index, of: page, after: error, record: &record) else { return false }
            return try await apply(events[(index + 1)...], of: page, through: through, switching: switching, record: &record)
        }
    }

    /// Tries the failed event at `index` of `page` again with back-off; then parks it or stops, as the policy says.
    ///
    /// - Returns: `false` when the registry entry changed under the loop.
    private func retry(at index: Int, of page: ProjectionPage, after firstError: any Error, record: inout ProjectionRecord) async throws -> Bool {
        let event = page.events[index]
        let alone = page.events[index...index]
        var lastError = firstError
        var attempt = 1
        recordError(firstError)
        while attempt < policy.retry.maximumAttempts {
            try await backOff(after: attempt)
            attempt += 1
            switch try await commit(alone, of: page, through: event.position, switching: false, parking: nil, record: &record) {
            case .committed:
                return true
            case .changed:
                return false
            case .failed(_, let error):
                lastError = error
                recordError(error)
            }
        }
        guard policy.action == .park else {
            throw ProjectionStopped(projection: name, position: event.position, stream: event.stream, underlying: lastError)
        }
        logger.warning(
            "parking event",
            metadata: ["strata.position": "\(event.position)", "strata.stream": "\(event.stream)", "strata.error": "\(lastError)"]
        )
        let parking = Parking(error: "\(lastError)", attempts: attempt)
        switch try await commit(alone, of: page, through: event.position, switching: false, parking: parking, record: &record) {
        case .committed:
            return true
        case .changed:
            return false
        case .failed(_, let error):
            throw error
        }
    }

    /// Commits a batch, retrying while the read store is unavailable, and moves `record` to the registry entry
    /// the commit left: the one place a commit's outcome changes the loop's state.
    private func commit(
        _ events: ArraySlice<RecordedEvent>,
        of page: ProjectionPage,
        through: GlobalPosition,
        switching: Bool,
        parking: Parking?,
        record: inout ProjectionRecord
    ) async throws -> CommitOutcome {
        let base = record
        let outcome = try await retrying {
            try await self.transact(events, of: page, through: through, switching: switching, parking: parking, over: base)
        }
        switch outcome {
        case .committed(let saved):
            record = saved
            return .committed
        case .changed(let current):
            record = current
            return .changed
        case .failed(let offset, let error):
            return .failed(offset: offset, error: error)
        }
    }

    /// One transaction: apply (or park) `events`, move the lane to `through`, and, when `switching`, make the
    /// rebuilt generation the active one and drop the old.
    private func transact(
        _ events: ArraySlice<RecordedEvent>,
        of page: ProjectionPage,
        through: GlobalPosition,
        switching: Bool,
        parking: Parking?,
        over record: ProjectionRecord
    ) async throws -> Commit {
        do {
            let (commit, parked) = try await readStore.withTransaction { transaction in
                try await self.write(events, of: page, through: through, switching: switching, parking: parking, over: record, in: transaction)
            }
            if case .committed = commit, parked > 0 { metrics.eventsParked.increment(by: Int64(parked)) }
            return commit
        } catch let failure as HandlerFailure {
            return .failed(offset: failure.offset, error: failure.error)
        }
    }

    /// The body of a batch's transaction, fenced by the registry entry it started from.
    ///
    /// - Returns: The commit, and how many events it parked.
    private func write(
        _ events: ArraySlice<RecordedEvent>,
        of page: ProjectionPage,
        through: GlobalPosition,
        switching: Bool,
        parking: Parking?,
        over record: ProjectionRecord,
        in transaction: any ReadStoreTransaction
    ) async throws -> (Commit, parked: Int) {
        guard let current = try await transaction.projectionRecord(named: name), current.hasSameProgress(as: record) else {
            return (.changed(try await loadOrCreate(transaction)), 0)
        }
        var lane = record.rebuilding ?? record.active
        let parked: Int
        if let parking {
            parked = try await park(events, generation: lane.number, parking: parking, in: transaction)
        } else {
            parked = try await applyInStreamOrder(events, of: page, generation: lane.number, in: transaction)
        }
        lane.position = max(lane.position, through)
        let saved = try await save(lane, over: record, switching: switching, in: transaction)
        return (.committed(saved), parked)
    }

    /// Parks every event of the batch, for an operator to replay.
    private func park(
        _ events: ArraySlice<RecordedEvent>,
        generation: Int,
        parking: Parking,
        in transaction: any ReadStoreTransaction
    ) async throws -> Int {
        for event in events {
            try await transaction.park(
                ParkedEvent(projection: name, generation: generation, event: event, error: parking.error, attempts: parking.attempts)
            )
        }
        return events.count
    }

    /// Applies the batch's events; when the policy keeps stream order, parks instead those of streams that
    /// already have a parked event, so that no event of a stream overtakes an earlier one.
    ///
    /// - Returns: How many events were held back.
    private func applyInStreamOrder(
        _ events: ArraySlice<RecordedEvent>,
        of page: ProjectionPage,
        generation: Int,
        in transaction: any ReadStoreTransaction
    ) async throws -> Int {
        try await withSpan("strata.projection.batch", ofKind: .consumer) { span in
            span.attributes["strata.projection"] = name
            span.attributes["strata.batch.events"] = events.count
            if let first = events.first, let last = events.last {
                span.attributes["strata.position.first"] = Int64(clamping: first.position.value)
                span.attributes["strata.position.last"] = Int64(clamping: last.position.value)
            }
            return try await applyInStreamOrder(events, of: page, generation: generation, in: transaction, tracing: span)
        }
    }

    /// Applies the batch's events under the batch's span (see the function above).
    private func applyInStreamOrder(
        _ events: ArraySlice<RecordedEvent>,
        of page: ProjectionPage,
        generation: Int,
        in transaction: any ReadStoreTransaction,
        tracing batch: any Span
    ) async throws -> Int {
        let context = ProjectionContext(
            projection: name,
            generation: generation,
            schema: schema,
            transaction: transaction,
            decoded: decodedDocuments
        )
        let parkedStreams = policy.keepsStreamOrder ? try await transaction.parkedStreams(projection: name, generation: generation) : []
        try await context.prefetch(events.filter { !parkedStreams.contains($0.stream) }.flatMap { projection.documentKeys(for: $0) })
        var heldBack = 0
        for (offset, (index, event)) in zip(events.indices, events).enumerated() {
            guard !parkedStreams.contains(event.stream) else {
                heldBack += 1
                let reason = "held back behind an earlier parked event of stream '\(event.stream)'"
                try await transaction.park(ParkedEvent(projection: name, generation: generation, event: event, error: reason, attempts: 0))
                continue
            }
            do {
                if let appended = TraceContext.extract(from: event.metadata) {
                    // The event carries the trace of the command that appended it: applying it joins that trace.
                    try await withSpan("strata.projection.apply", context: appended, ofKind: .consumer) { span in
                        span.attributes["strata.projection"] = name
                        span.attributes["strata.stream"] = event.stream.rawValue
                        span.attributes["strata.position"] = Int64(clamping: event.position.value)
                        span.addLink(SpanLink(context: batch.context, attributes: [:]))
                        try await page.apply(at: index, in: context)
                    }
                } else {
                    try await page.apply(at: index, in: context)
                }
            } catch  where !Task.isCancelled {
                throw HandlerFailure(offset: offset, error: error)
            }
        }
        do {
            try await context.flush()
        } catch let error as ReadStoreError where error.code == .unavailable {
            throw error
        } catch  where !Task.isCancelled {
            // A document the store refuses (say, an indexed value too long) belongs to some event of the batch,
            // but not one we can name: report it against the first, which is then tried alone, and so on, until
            // the event it belongs to fails by itself.
            throw HandlerFailure(offset: 0, error: error)
        }
        return heldBack
    }

    /// Saves the lane's new position in the registry; when `switching`, the rebuilt generation becomes the
    /// active one and the old is dropped.
    private func save(
        _ lane: ProjectionGeneration,
        over record: ProjectionRecord,
        switching: Bool,
        in transaction: any ReadStoreTransaction
    ) async throws -> ProjectionRecord {
        var saved = record
        if switching {
            try await drop(generation: record.active.number, transaction)
            saved = ProjectionRecord(name: name, active: lane, rebuilding: nil)
            logger.info("rebuilt generation is now active", metadata: ["strata.generation": "\(lane.number)"])
        } else if record.rebuilding != nil {
            saved.rebuilding = lane
        } else {
            saved.active = lane
        }
        saved.report = currentReport()
        try await transaction.saveProjectionRecord(saved)
        return saved
    }
}
