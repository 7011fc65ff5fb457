//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

extension ProjectionWorker {
    /// What committing a batch came to.
    enum Commit {
        /// Applied; the registry entry as saved.
        case committed(ProjectionRecord)
        /// Someone else changed the registry entry (a rebuild or reset request); nothing was written.
        case changed(ProjectionRecord)
        /// The handler threw at event `offset` of the batch; nothing was written.
        case failed(offset: Int, error: any Error)
    }

    /// A handler error, thrown out of the transaction to roll it back.
    private struct HandlerFailure: Error {
        var offset: Int
        var error: any Error
    }

    /// Applies `events` and moves the lane to `through`, splitting the batch around events that fail.
    ///
    /// - Returns: `false` when the registry entry changed under the loop, which should then start over from it.
    func apply(_ events: ArraySlice<RecordedEvent>, through: GlobalPosition, switching: Bool, record: inout ProjectionRecord) async throws -> Bool {
        switch try await retrying({ try await self.commit(events, through: through, switching: switching, parking: nil, record: record) }) {
        case .committed(let saved):
            record = saved
            return true
        case .changed(let current):
            record = current
            return false
        case .failed(let offset, let error):
            let index = events.startIndex + offset
            // Everything before the failing event is fine: commit it alone, through the position just before the
            // failing event (the page holds every matching event in between), then deal with the failing event.
            if offset > 0 {
                let before = GlobalPosition(events[index].position.value - 1)
                guard try await apply(events[..<index], through: before, switching: false, record: &record) else { return false }
            }
            guard try await retry(events[index], after: error, record: &record) else { return false }
            return try await apply(events[(index + 1)...], through: through, switching: switching, record: &record)
        }
    }

    /// Tries a failed event again with back-off; then parks it or stops, as the policy says.
    private func retry(_ event: RecordedEvent, after firstError: any Error, record: inout ProjectionRecord) async throws -> Bool {
        var lastError = firstError
        var attempt = 1
        recordError(firstError)
        while attempt < policy.retry.maximumAttempts {
            try await backOff(after: attempt)
            attempt += 1
            switch try await retrying({ try await self.commit([event], through: event.position, switching: false, parking: nil, record: record) }) {
            case .committed(let saved):
                record = saved
                return true
            case .changed(let current):
                record = current
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
        let parking = (error: "\(lastError)", attempts: attempt)
        switch try await retrying({ try await self.commit([event], through: event.position, switching: false, parking: parking, record: record) }) {
        case .committed(let saved):
            record = saved
            return true
        case .changed(let current):
            record = current
            return false
        case .failed(_, let error):
            throw error
        }
    }

    /// One transaction: apply (or park) `events`, move the lane to `through`, and, when `switching`, make the
    /// rebuilt generation the active one and drop the old.
    private func commit(
        _ events: ArraySlice<RecordedEvent>,
        through: GlobalPosition,
        switching: Bool,
        parking: (error: String, attempts: Int)?,
        record: ProjectionRecord
    ) async throws -> Commit {
        var parked = 0
        do {
            let outcome: Commit = try await readStore.withTransaction { transaction in
                parked = 0
                guard let current = try await transaction.projectionRecord(named: name), current.hasSameProgress(as: record) else {
                    return .changed(try await loadOrCreate(transaction))
                }
                var lane = record.rebuilding ?? record.active
                let context = ProjectionContext(projection: name, generation: lane.number, schema: schema, transaction: transaction)
                let parkedStreams =
                    policy.keepsStreamOrder ? try await transaction.parkedStreams(projection: name, generation: lane.number) : []
                if parking == nil {
                    let applying = events.filter { !parkedStreams.contains($0.stream) }
                    try await context.prefetch(applying.flatMap { projection.documentKeys(for: $0) })
                }
                for (offset, event) in events.enumerated() {
                    if let parking {
                        parked += 1
                        try await transaction.park(
                            ParkedEvent(projection: name, generation: lane.number, event: event, error: parking.error, attempts: parking.attempts)
                        )
                    } else if parkedStreams.contains(event.stream) {
                        parked += 1
                        try await transaction.park(
                            ParkedEvent(
                                projection: name,
                                generation: lane.number,
                                event: event,
                                error: "held back behind an earlier parked event of stream '\(event.stream)'",
                                attempts: 0
                            )
                        )
                    } else {
                        do {
                            try await projection.apply(event, in: context)
                        } catch  where !Task.isCancelled {
                            throw HandlerFailure(offset: offset, error: error)
                        }
                    }
                }
                do {
                    try await context.flush()
                } catch let error as ReadStoreError where error.code == .unavailable {
                    throw error
                } catch  where !Task.isCancelled {
                    // A document the store refuses (say, an indexed value too long) belongs to some event of the
                    // batch, but not one we can name: report it against the first, which is then tried alone,
                    // and so on, until the event it belongs to fails by itself.
                    throw HandlerFailure(offset: 0, error: error)
                }
                lane.position = max(lane.position, through)
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
                return .committed(saved)
            }
            if case .committed = outcome, parked > 0 { metrics.eventsParked.increment(by: Int64(parked)) }
            return outcome
        } catch let failure as HandlerFailure {
            return .failed(offset: failure.offset, error: failure.error)
        }
    }
}
