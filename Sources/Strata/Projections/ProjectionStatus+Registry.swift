//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

extension ProjectionStatus {
    /// The status of every projection in a read store's registry, ordered by name, as their runners last
    /// recorded it there: what an operator sees without the process that runs them.
    ///
    /// Checkpoints, lag and parked counts are exact. State and last error are the last report
    /// (``ProjectionRecord/report``), so read them with ``ProjectionStatus/reportedAt``: a process that died leaves its
    /// last state behind.
    ///
    /// - Parameters:
    ///   - readStore: The read store holding the registry.
    ///   - store: The event store the projections read, for the head of the log and the lag.
    public static func all(in readStore: any ReadStore, readingFrom store: any EventStore) async throws -> [ProjectionStatus] {
        let entries = try await readStore.withReader { reader in
            var entries: [(ProjectionRecord, Int)] = []
            for record in try await reader.projectionRecords() {
                entries.append((record, try await reader.parkedCount(projection: record.name, generation: record.active.number)))
            }
            return entries
        }
        let head = try await store.headPosition()
        var statuses: [ProjectionStatus] = []
        for (record, parkedCount) in entries {
            let report = record.report
            statuses.append(
                try await ProjectionStatus(
                    record: record,
                    parkedCount: parkedCount,
                    head: head,
                    store: store,
                    version: record.rebuilding?.version ?? record.active.version,
                    state: report?.state ?? .stopped,
                    lastError: report?.lastError
                )
            )
        }
        return statuses
    }

    /// A status from a registry entry, measuring the lag against `head`.
    init(
        record: ProjectionRecord,
        parkedCount: Int,
        head: GlobalPosition,
        store: any EventStore,
        version: Int,
        state: ProjectionState,
        lastError: String?
    ) async throws {
        let checkpoint = record.active.position
        let lagEvents = head > checkpoint ? head.value - checkpoint.value : 0
        var lagSeconds = 0.0
        if lagEvents > 0, let oldest = try await store.readAll(from: checkpoint.next, limit: 1, filter: .all).first {
            lagSeconds = max(0, Date().timeIntervalSince(oldest.recordedAt))
        }
        self.init(
            name: record.name,
            version: version,
            state: state,
            checkpoint: checkpoint,
            head: head,
            lagEvents: lagEvents,
            lagSeconds: lagSeconds,
            generation: record.active.number,
            rebuildCheckpoint: record.rebuilding?.position,
            lastError: lastError,
            parkedCount: parkedCount,
            node: record.report?.node,
            reportedAt: record.report?.reportedAt
        )
    }
}
