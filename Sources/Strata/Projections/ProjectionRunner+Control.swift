//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

extension ProjectionRunner {
    /// Rebuilds a projection's read model beside the current one, which queries keep reading until the new one
    /// has caught up with the log; then they switch atomically and the old one is dropped.
    ///
    /// The request is recorded in the read store, so it survives a restart; a running projection starts on it at once.
    ///
    /// - Parameters:
    ///   - name: The projection.
    ///   - position: The first position to apply; ``GlobalPosition/start`` rebuilds from the whole log.
    /// - Throws: ``ReadStoreError`` with code `unknownName` when the runner has no such projection.
    public func rebuild(_ name: String, from position: GlobalPosition = .start) async throws {
        let worker = try worker(name)
        try await readStore.withTransaction { transaction in
            var record = try await worker.loadOrCreate(transaction)
            if let abandoned = record.rebuilding {
                try await worker.drop(generation: abandoned.number, transaction)
            }
            let number = max(record.active.number, record.rebuilding?.number ?? 0) + 1
            let start = position.value > 0 ? GlobalPosition(position.value - 1) : .start
            record.rebuilding = try await worker.prepare(
                ProjectionGeneration(number: number, version: worker.projection.version, position: start),
                transaction
            )
            try await transaction.saveProjectionRecord(record)
        }
        worker.control.notify()
    }

    /// Moves a projection's checkpoint to `position`, in place: events after it are applied (again) next, and
    /// events up to it are considered processed.
    ///
    /// Moving back re-applies events to a read model that already has them, so use it only with handlers that
    /// tolerate that; rebuild(_:from:) is the safe way to start over.
    public func reset(_ name: String, to position: GlobalPosition) async throws {
        let worker = try worker(name)
        try await readStore.withTransaction { transaction in
            var record = try await worker.loadOrCreate(transaction)
            record.active.position = position
            try await transaction.saveProjectionRecord(record)
        }
        progress.advance(name, to: position)
        worker.control.notify()
    }

    /// The events a projection has parked in the generation queries read, in position order.
    public func parkedEvents(of name: String) async throws -> [ParkedEvent] {
        _ = try worker(name)
        return try await readStore.withReader { reader in
            guard let record = try await reader.projectionRecord(named: name) else { return [] }
            return try await reader.parkedEvents(projection: name, generation: record.active.number)
        }
    }

    /// Applies a projection's parked events again, in position order, removing each that succeeds.
    ///
    /// An event that fails again stays parked with its attempts counted up; when the projection keeps stream
    /// order, the later parked events of its stream stay parked behind it.
    ///
    /// - Returns: How many were applied, and how many are still parked.
    @discardableResult
    public func replayParked(_ name: String) async throws -> (replayed: Int, stillParked: Int) {
        let worker = try worker(name)
        let (generation, parked) = try await readStore.withReader { reader in
            guard let record = try await reader.projectionRecord(named: name) else { return (0, [ParkedEvent]()) }
            return (record.active.number, try await reader.parkedEvents(projection: name, generation: record.active.number))
        }
        var blocked = Set<StreamID>()
        var replayed = 0
        for entry in parked where !(worker.policy.keepsStreamOrder && blocked.contains(entry.event.stream)) {
            do {
                let applied = try await readStore.withTransaction { transaction in
                    guard try await transaction.projectionRecord(named: name)?.active.number == generation,
                        try await transaction.parkedEvent(projection: name, generation: generation, position: entry.event.position) != nil
                    else { return false }
                    let context = ProjectionContext(projection: name, generation: generation, schema: worker.schema, transaction: transaction)
                    try await worker.projection.apply(entry.event, in: context)
                    try await context.flush()
                    try await transaction.removeParkedEvent(projection: name, generation: generation, position: entry.event.position)
                    return true
                }
                if applied { replayed += 1 }
            } catch {
                blocked.insert(entry.event.stream)
                worker.recordError(error)
                try await readStore.withTransaction { transaction in
                    guard var current = try await transaction.parkedEvent(projection: name, generation: generation, position: entry.event.position)
                    else { return }
                    current.attempts += 1
                    current.error = "\(error)"
                    current.parkedAt = Date()
                    try await transaction.park(current)
                }
            }
        }
        let stillParked = try await readStore.withReader { try await $0.parkedCount(projection: name, generation: generation) }
        return (replayed, stillParked)
    }

    /// The status of one projection.
    ///
    /// - Throws: ``ReadStoreError`` with code `unknownName` when the runner has no such projection.
    public func status(of name: String) async throws -> ProjectionStatus {
        let worker = try worker(name)
        let runtime = worker.runtime
        let (record, parkedCount) = try await readStore.withReader { reader in
            let record = try await reader.projectionRecord(named: name)
            guard let record else { return (ProjectionRecord?.none, 0) }
            return (record, try await reader.parkedCount(projection: name, generation: record.active.number))
        }
        let head = try await store.headPosition()
        let entry =
            record ?? ProjectionRecord(name: name, active: ProjectionGeneration(number: 0, version: worker.projection.version, position: .start))
        return try await ProjectionStatus(
            record: entry,
            parkedCount: parkedCount,
            head: head,
            store: store,
            version: worker.projection.version,
            state: runtime.state,
            lastError: runtime.lastError
        )
    }

    /// The status of every projection, in the order given to the runner.
    public func statuses() async throws -> [ProjectionStatus] {
        var statuses: [ProjectionStatus] = []
        for name in projectionNames { statuses.append(try await status(of: name)) }
        return statuses
    }
}
