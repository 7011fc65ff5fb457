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

/// Commits batches of appends, each batch with one call of `strata_append` in one transaction.
struct PostgresAppendWriter: Sendable {
    let client: PostgresClient
    let schema: PostgresSchema
    let signal: AppendSignal
    let configuration: PostgresEventStore.Configuration

    private var logger: Logger { configuration.logger }

    /// Commits a batch; each append gets its own outcome.
    func commit(_ batch: [PendingAppend]) async -> [Result<AppendResult, any Error>] {
        // The batch belongs to many callers: the leader's cancellation must not abort the others' appends, so the
        // commit runs in a task of its own, which is always awaited to its end.
        let outcome = await Task { await Result { try await commitWatchingForStalls(batch) } }.value
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
    private func commitWatchingForStalls(_ batch: [PendingAppend]) async throws -> [PostgresAppendCall.Outcome] {
        try await withThrowingTaskGroup(of: [PostgresAppendCall.Outcome]?.self) { group in
            group.addTask { try await execute(batch) }
            group.addTask {
                var waited = Duration.zero
                while true {
                    try await Task.sleep(for: configuration.stallWarningAfter)
                    waited += configuration.stallWarningAfter
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
            }
            defer { group.cancelAll() }
            while let rows = try await group.next() {
                if let rows { return rows }
            }
            return []
        }
    }

    private func execute(_ batch: [PendingAppend]) async throws -> [PostgresAppendCall.Outcome] {
        let call = try PostgresAppendCall(batch, schema: schema)
        let rows = try await client.withConnection(waitingAtMost: configuration.connectionWaitLimit) { [logger] connection in
            try await call.run(on: connection, logger: logger)
        }
        guard rows.count == batch.count else {
            throw EventStoreError(.storage, "strata_append returned \(rows.count) outcomes for \(batch.count) appends")
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
