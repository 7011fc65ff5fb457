//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Logging
import PostgresNIO
import Strata
import Synchronization

/// Commits batches of appends, each batch with one call of `strata_append` in one transaction.
struct PostgresAppendWriter: Sendable {
    let client: PostgresClient
    let schema: PostgresSchema
    let signal: AppendSignal
    let configuration: PostgresEventStore.Configuration
    let prepared: PreparedStatements
    let ownListener: OwnListener

    private var logger: Logger { configuration.logger }

    /// Commits a batch; each append gets its own outcome.
    func commit(_ batch: [PendingAppend]) async -> [Result<AppendResult, any Error>] {
        let outcome = await Result { try await commitWatchingForStalls(batch) }
        switch outcome {
        case .success(let rows):
            if rows.contains(where: { $0.outcome == 0 }) { signal.notify() }
            var results: [Result<AppendResult, any Error>] = []
            results.reserveCapacity(batch.count)
            for (request, row) in zip(batch, rows) {
                results.append(await Result { try await resolve(request, row) })
            }
            return results
        case .failure(let error):
            let failure = PostgresErrors.translate(error, "append")
            logger.error("group commit failed", metadata: ["strata.batch": "\(batch.count)", "strata.error": "\(failure)"])
            return Array(repeating: .failure(failure), count: batch.count)
        }
    }

    /// Runs the batch, logging the transactions that hold it back whenever it waits longer than the stall threshold.
    ///
    /// The watch is a deadline of DeadlineWatch, cancelled when the batch ends, rather than a task sleeping beside
    /// every batch (a cancelled `Task.sleep` leaves its timer pending until it would have fired) or an event-loop
    /// timer of its own (scheduling and cancelling one from the batch's thread woke the event loop twice).
    private func commitWatchingForStalls(_ batch: [PendingAppend]) async throws -> [PostgresAppendCall.Outcome] {
        let interval = configuration.stallWarningAfter
        let warnings = Atomic<Int>(0)
        let watch = DeadlineWatch.shared.watch(until: .now() + TimeAmount(interval)) { [client, schema, configuration, logger] in
            let waited = interval * warnings.add(1, ordering: .relaxed).newValue
            Task {
                let diagnostics = PostgresDiagnostics(client: client, schema: schema, configuration: configuration)
                let blockers = (try? await diagnostics.appendBlockers()) ?? []
                logger.warning(
                    "appends are waiting for another transaction",
                    metadata: [
                        "strata.waited": "\(waited)",
                        "strata.blockers": "\(blockers.map(\.description).joined(separator: "; "))",
                    ]
                )
            }
            return .now() + TimeAmount(interval)
        }
        defer { DeadlineWatch.shared.cancel(watch) }
        return try await execute(batch)
    }

    /// Runs the batch through `strata_append_new_events`, and through `strata_append` when some append repeats
    /// an event id: that first call then rolled back whole, and the second reports each append's own outcome.
    private func execute(_ batch: [PendingAppend]) async throws -> [PostgresAppendCall.Outcome] {
        let call = try PostgresAppendCall(newEvents: batch, ownListener: ownListener.current, schema: schema)
        // The batch belongs to many callers: the leader's cancellation must not abort the others' appends.
        let rows = try await client.withConnection(
            waitingAtMost: configuration.connectionWaitLimit,
            ignoringCancellation: true
        ) { [logger, prepared, schema] connection in
            do {
                return try await call.run(on: connection, prepared: prepared, logger: logger)
            } catch let error where PostgresAppendCall.isRepeatedEventID(error) {
                logger.debug("a batch repeats an event id, appending it with a lookup of every id", metadata: ["strata.batch": "\(batch.count)"])
                return try await PostgresAppendCall(batch, schema: schema).run(on: connection, prepared: prepared, logger: logger)
            }
        }
        guard rows.count == batch.count else {
            throw EventStoreError(.storage, "the append functions returned \(rows.count) outcomes for \(batch.count) appends")
        }
        return rows
    }

    private func resolve(_ request: PendingAppend, _ row: PostgresAppendCall.Outcome) async throws -> AppendResult {
        try await PostgresAppendCall.resolve(request, row) { ids in
            do {
                return try await client.withConnection(waitingAtMost: configuration.connectionWaitLimit) { [schema, logger] connection in
                    try await PostgresAppendCall.storedEvents(ids, schema: schema, on: connection, logger: logger)
                }
            } catch {
                throw PostgresErrors.translate(error, "look up the event ids of an append")
            }
        }
    }
}

extension Result where Failure == any Error {
    init(_ operation: () async throws -> Success) async {
        do {
            self = .success(try await operation())
        } catch {
            self = .failure(error)
        }
    }
}
