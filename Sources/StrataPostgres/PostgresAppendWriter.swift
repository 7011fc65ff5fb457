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

    private struct OutcomeRow: Sendable {
        var outcome: Int16
        var actualVersion: Int64?
        var lastVersion: Int64?
        var lastPosition: Int64?
    }

    /// Runs the batch, logging the transactions that hold it back whenever it waits longer than the stall threshold.
    private func commitWatchingForStalls(_ batch: [PendingAppend]) async throws -> [OutcomeRow] {
        try await withThrowingTaskGroup(of: [OutcomeRow]?.self) { group in
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

    private func execute(_ batch: [PendingAppend]) async throws -> [OutcomeRow] {
        var streams: [String] = []
        var categories: [String] = []
        var expectedKinds: [Int16] = []
        var expectedVersions: [Int64] = []
        var counts: [Int32] = []
        var ids: [UUID] = []
        var types: [String] = []
        var payloads: [ByteBuffer] = []
        var correlations: [String] = []
        var hasCorrelation: [Bool] = []
        var causations: [String] = []
        var hasCausation: [Bool] = []
        var metadata: [ByteBuffer] = []
        var hasMetadata: [Bool] = []
        for request in batch {
            streams.append(request.stream.rawValue)
            categories.append(request.stream.category)
            let (kind, version) = Self.encode(request.expected)
            expectedKinds.append(kind)
            expectedVersions.append(version)
            counts.append(Int32(request.events.count))
            for event in request.events {
                ids.append(event.id)
                types.append(event.type)
                payloads.append(ByteBuffer(bytes: event.data))
                correlations.append(event.metadata.correlationID ?? "")
                hasCorrelation.append(event.metadata.correlationID != nil)
                causations.append(event.metadata.causationID ?? "")
                hasCausation.append(event.metadata.causationID != nil)
                if event.metadata.custom.isEmpty {
                    metadata.append(ByteBuffer())
                    hasMetadata.append(false)
                } else {
                    metadata.append(ByteBuffer(bytes: try JSONEncoder().encode(event.metadata.custom)))
                    hasMetadata.append(true)
                }
            }
        }
        let query: PostgresQuery = """
            SELECT outcome, actual_version, last_version, last_position FROM \(unescaped: schema.quoted).strata_append(
                \(streams), \(categories), \(expectedKinds), \(expectedVersions), \(counts),
                \(ids), \(types), \(payloads), \(correlations), \(hasCorrelation), \(causations), \(hasCausation),
                \(metadata), \(hasMetadata))
            """
        let rows = try await client.withConnection(waitingAtMost: configuration.connectionWaitLimit) { [logger] connection in
            var rows: [OutcomeRow] = []
            rows.reserveCapacity(batch.count)
            for try await (outcome, actual, last, position) in try await connection.query(query, logger: logger).decode(
                (Int16, Int64?, Int64?, Int64?).self
            ) {
                rows.append(OutcomeRow(outcome: outcome, actualVersion: actual, lastVersion: last, lastPosition: position))
            }
            return rows
        }
        guard rows.count == batch.count else {
            throw EventStoreError(.storage, "strata_append returned \(rows.count) outcomes for \(batch.count) appends")
        }
        return rows
    }

    /// Kind 0 any, 1 no stream, 2 stream exists, 3 exactly the version.
    private static func encode(_ expected: ExpectedVersion) -> (Int16, Int64) {
        if let version = expected.exactVersion { return (3, Int64(version.value)) }
        if expected == .noStream { return (1, -1) }
        if expected == .streamExists { return (2, -1) }
        return (0, -1)
    }

    private func resolve(_ request: PendingAppend, _ row: OutcomeRow) async throws -> AppendResult {
        switch row.outcome {
        case 0:
            guard let version = row.lastVersion, let position = row.lastPosition else {
                throw EventStoreError(.storage, "strata_append reported an append without its version and position")
            }
            return AppendResult(streamVersion: StreamVersion(UInt64(version)), position: GlobalPosition(UInt64(position)))
        case 1:
            if let original = try await resolveRepeatedIDs(of: request) { return original }
            throw WrongExpectedVersion(
                stream: request.stream,
                expected: request.expected,
                actual: row.actualVersion.map { StreamVersion(UInt64($0)) }
            )
        case 2:
            guard let original = try await resolveRepeatedIDs(of: request) else {
                throw EventStoreError(.storage, "an event id of the append was reported stored, but is not")
            }
            return original
        default:
            throw EventStoreError(.duplicateEventID, "an append must not repeat an event id")
        }
    }

    /// The original result when `request` repeats an append that already succeeded; throws when it reuses
    /// event ids any other way; `nil` when none of its ids is stored.
    private func resolveRepeatedIDs(of request: PendingAppend) async throws -> AppendResult? {
        let ids = request.events.map(\.id)
        let query: PostgresQuery = """
            SELECT event_id, stream_id, stream_version, position
            FROM \(unescaped: schema.quoted).strata_events WHERE event_id = ANY(\(ids))
            """
        let rows: [(UUID, String, Int64, Int64)]
        do {
            rows = try await client.withConnection(waitingAtMost: configuration.connectionWaitLimit) { [logger] connection in
                var rows: [(UUID, String, Int64, Int64)] = []
                for try await row in try await connection.query(query, logger: logger).decode((UUID, String, Int64, Int64).self) {
                    rows.append(row)
                }
                return rows
            }
        } catch {
            throw PostgresErrors.translate(error, "look up the event ids of an append")
        }
        var stored: [IdempotentAppend.StoredEvent] = []
        for (id, stream, version, position) in rows {
            guard let streamID = try? StreamID(stream) else {
                throw EventStoreError(.corruptEvent, "stored event \(id) has a malformed stream id")
            }
            stored.append(
                IdempotentAppend.StoredEvent(
                    id: id,
                    stream: streamID,
                    version: StreamVersion(UInt64(version)),
                    position: GlobalPosition(UInt64(position))
                )
            )
        }
        return try IdempotentAppend.resolve(request.events, to: request.stream, expecting: request.expected, stored: stored)
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
