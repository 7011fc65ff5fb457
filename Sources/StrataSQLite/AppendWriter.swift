//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Logging
import Strata

/// Commits batches of appends, each batch in one SQLite transaction.
struct AppendWriter: Sendable {
    let pool: DatabasePool
    let signal: AppendSignal
    let logger: Logger

    /// Commits a batch; each append gets its own outcome.
    ///
    /// GRDB's callback API is used on purpose: the batch belongs to many tasks, so the cancellation of the one
    /// that happens to lead must not abort the others' appends.
    func commit(_ batch: [PendingAppend]) async -> [Result<AppendResult, any Error>] {
        let outcome: Result<[Result<AppendResult, any Error>], any Error> = await withCheckedContinuation { continuation in
            pool.asyncWriteWithoutTransaction { db in
                continuation.resume(returning: Result { try commit(batch, in: db) })
            }
        }
        switch outcome {
        case .success(let results):
            if results.contains(where: { if case .success = $0 { true } else { false } }) {
                signal.notify()
            }
            return results
        case .failure(let error):
            logger.error("group commit failed", metadata: ["strata.batch": "\(batch.count)", "strata.error": "\(error)"])
            let failure = EventStoreError(.storage, "the SQLite commit failed", underlying: error)
            return Array(repeating: .failure(failure), count: batch.count)
        }
    }

    private func commit(_ batch: [PendingAppend], in db: Database) throws -> [Result<AppendResult, any Error>] {
        var results: [Result<AppendResult, any Error>] = []
        results.reserveCapacity(batch.count)
        // IMMEDIATE takes the write lock up front, so another process cannot write between a version check
        // and its insert.
        try db.inTransaction(.immediate) {
            let recordedAt = Date().timeIntervalSince1970
            for request in batch {
                results.append(Result { try append(request, recordedAt: recordedAt, in: db) })
            }
            return .commit
        }
        return results
    }

    private func append(_ request: PendingAppend, recordedAt: Double, in db: Database) throws -> AppendResult {
        let actual = try currentVersion(of: request.stream, in: db)
        guard request.expected.isSatisfied(by: actual) else {
            if let original = try resolveRepeatedIDs(of: request, in: db) {
                return original
            }
            throw WrongExpectedVersion(stream: request.stream, expected: request.expected, actual: actual)
        }
        try db.execute(sql: "SAVEPOINT strata_append")
        do {
            let result = try insert(request, after: actual, recordedAt: recordedAt, in: db)
            try db.execute(sql: "RELEASE strata_append")
            return result
        } catch {
            try db.execute(sql: "ROLLBACK TO strata_append")
            try db.execute(sql: "RELEASE strata_append")
            if let databaseError = error as? DatabaseError, databaseError.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE,
                let original = try resolveRepeatedIDs(of: request, in: db)
            {
                return original
            }
            throw error
        }
    }

    private func currentVersion(of stream: StreamID, in db: Database) throws -> StreamVersion? {
        let statement = try db.cachedStatement(
            sql: "SELECT stream_version FROM strata_events WHERE stream_id = ? ORDER BY stream_version DESC LIMIT 1"
        )
        return try Int64.fetchOne(statement, arguments: [stream.rawValue]).map { StreamVersion(UInt64($0)) }
    }

    private func insert(_ request: PendingAppend, after actual: StreamVersion?, recordedAt: Double, in db: Database) throws -> AppendResult {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO strata_events
                    (stream_id, stream_version, event_id, event_type, category, data, correlation_id, causation_id, metadata, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        let category = request.stream.category
        var version = actual.map(\.next) ?? .first
        var last = AppendResult(streamVersion: version, position: .start)
        for event in request.events {
            let custom = try MetadataColumn.encode(event.metadata.custom)
            try statement.execute(arguments: [
                request.stream.rawValue,
                Int64(version.value),
                event.id.uuidString,
                event.type,
                category,
                event.data,
                event.metadata.correlationID,
                event.metadata.causationID,
                custom,
                recordedAt,
            ])
            last = AppendResult(streamVersion: version, position: GlobalPosition(UInt64(db.lastInsertedRowID)))
            version = version.next
        }
        return last
    }

    /// The original result when `request` repeats an append that already succeeded; throws when it reuses
    /// event ids any other way; `nil` when none of its ids is stored.
    private func resolveRepeatedIDs(of request: PendingAppend, in db: Database) throws -> AppendResult? {
        let placeholders = Array(repeating: "?", count: request.events.count).joined(separator: ",")
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT event_id, stream_id, stream_version, position FROM strata_events WHERE event_id IN (\(placeholders))",
            arguments: StatementArguments(request.events.map(\.id.uuidString))
        )
        let stored = try rows.map { row in
            guard let id = UUID(uuidString: row[0]), let stream = try? StreamID(row[1] as String) else {
                throw EventStoreError(.corruptEvent, "stored event \(row[0] as String) has a malformed id or stream")
            }
            return IdempotentAppend.StoredEvent(
                id: id,
                stream: stream,
                version: StreamVersion(UInt64(row[2] as Int64)),
                position: GlobalPosition(UInt64(row[3] as Int64))
            )
        }
        return try IdempotentAppend.resolve(request.events, to: request.stream, expecting: request.expected, stored: stored)
    }
}
