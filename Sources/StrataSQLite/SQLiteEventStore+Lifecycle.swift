//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Strata

extension SQLiteEventStore {
    /// What appends and version checks need to know of a stream.
    struct StreamState: Sendable {
        /// The version of its last event, deletion event included; `nil` when it has none.
        var version: StreamVersion?
        /// Whether it was soft-deleted.
        var deleted: Bool
    }

    /// The stream's state, read with one statement: every append makes this lookup, so it is two index seeks
    /// and nothing else.
    static func streamState(of stream: StreamID, in db: Database) throws -> StreamState {
        let statement = try db.cachedStatement(
            sql: """
                SELECT (SELECT stream_version FROM strata_events WHERE stream_id = ?1 ORDER BY stream_version DESC LIMIT 1),
                       EXISTS (SELECT 1 FROM strata_streams WHERE stream_id = ?1 AND deleted)
                """
        )
        // A cursor's row reads the statement in place (`Row.fetchOne` would copy it first), so the cursor is kept
        // alive until both columns are read: releasing it resets the statement under the row.
        let cursor = try Row.fetchCursor(statement, arguments: [stream.rawValue])
        return try withExtendedLifetime(cursor) {
            guard let row = try cursor.next() else {
                return StreamState(version: nil, deleted: false)
            }
            let version: Int64? = row[0]
            return StreamState(version: version.map { StreamVersion(UInt64(clamping: $0)) }, deleted: row[1])
        }
    }

    @discardableResult
    public func deleteStream(_ stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        try await submitAppend(.deleteStream(stream, expecting: expected))
    }

    public func truncateStream(_ stream: StreamID, before version: StreamVersion) async throws {
        try await storageAccess {
            try await pool.write { db in
                let state = try Self.streamState(of: stream, in: db)
                guard let last = state.version else {
                    throw EventStoreError(.invalidArgument, "cannot truncate stream '\(stream)': it does not exist")
                }
                guard !state.deleted else {
                    throw EventStoreError(.streamDeleted, "cannot truncate stream '\(stream)': it is deleted")
                }
                guard version.value <= last.value + 1 else {
                    throw EventStoreError(.invalidArgument, "cannot truncate stream '\(stream)' before version \(version): it ends at \(last)")
                }
                // MAX keeps a truncation from ever moving backwards.
                try db.execute(
                    sql: """
                        INSERT INTO strata_streams (stream_id, truncate_before) VALUES (?, ?)
                        ON CONFLICT (stream_id) DO UPDATE SET truncate_before = MAX(truncate_before, excluded.truncate_before)
                        """,
                    arguments: [stream.rawValue, Int64(clamping: version.value)]
                )
            }
        }
    }
}

extension SQLiteAppendWriter {
    /// Appends the deletion event and marks the stream deleted, hiding everything up to and including the
    /// deletion event from stream reads; both or neither.
    func delete(_ stream: StreamID, expecting expected: ExpectedVersion, recordedAt: Double, in db: Database) throws -> AppendResult {
        try withSavepoint("strata_write", in: db) {
            let deletion = PendingAppend(events: [StreamLifecycle.deletionEvent()], stream: stream, expected: expected)
            let result = try append(deletion, recordedAt: recordedAt, in: db)
            try db.execute(
                sql: """
                    INSERT INTO strata_streams (stream_id, truncate_before, deleted) VALUES (?, ?, 1)
                    ON CONFLICT (stream_id) DO UPDATE SET truncate_before = excluded.truncate_before, deleted = 1
                    """,
                arguments: [stream.rawValue, Int64(result.streamVersion.value + 1)]
            )
            return result
        }
    }
}
