//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata

/// Stream lifecycle: a stream's row in `strata_streams` says from which version its events are visible to
/// stream reads, and whether it is deleted. Streams that were never truncated or deleted have no row.
extension PostgresEventStore {
    /// Soft-deletes a stream, as EventStore/deleteStream(_:expecting:) describes.
    ///
    /// The deletion event is appended through `strata_append`, like every append, and the stream is marked
    /// deleted in the same statement: appends waiting for the log's lock see the mark once they get it, and the
    /// lock is released by the statement's commit, never held while the client is away. It does not join the
    /// group-commit batch, so a deletion costs a transaction of its own.
    @discardableResult
    public func deleteStream(_ stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        let request = PendingAppend(events: [StreamLifecycle.deletionEvent()], stream: stream, expected: expected)
        let call = try PostgresAppendCall(deleting: request, schema: schema)
        let outcome = try await withConnection("delete stream '\(stream)'") { [logger, prepared] connection in
            try await call.run(on: connection, prepared: prepared, logger: logger).first
        }
        guard let outcome else {
            throw EventStoreError(.storage, "strata_append returned no outcome for the deletion of '\(stream)'")
        }
        guard !outcome.streamIsDeleted else {
            throw EventStoreError(.streamDeleted, "cannot delete stream '\(stream)': it is already deleted")
        }
        // The deletion event's id is new, so its append either succeeded or failed on the stream's version.
        let result = try await PostgresAppendCall.resolve(request, outcome) { _ in [] }
        signal.notify()
        return result
    }

    /// Hides a stream's events before `version` from stream reads, as EventStore/truncateStream(_:before:)
    /// describes.
    ///
    /// One statement checks the stream and moves its mark; it appends nothing, so it leaves the log's lock alone.
    /// The mark only moves forwards, and never clears a deletion, whatever commits beside it.
    public func truncateStream(_ stream: StreamID, before version: StreamVersion) async throws {
        // A data-modifying WITH runs whether or not the outer query reads it; the outer query reports what the
        // insert's conditions saw, so that a refusal says why.
        let query: PostgresQuery = """
            WITH current AS (
                SELECT (SELECT e.stream_version FROM \(unescaped: schema.quoted).strata_events e
                        WHERE e.stream_id = \(stream.rawValue) ORDER BY e.stream_version DESC LIMIT 1) AS last,
                       coalesce((SELECT s.deleted FROM \(unescaped: schema.quoted).strata_streams s
                                 WHERE s.stream_id = \(stream.rawValue)), false) AS deleted
            ), moved AS (
                INSERT INTO \(unescaped: schema.quoted).strata_streams AS s (stream_id, truncate_before)
                SELECT \(stream.rawValue), \(Int64(clamping: version.value)) FROM current
                WHERE last IS NOT NULL AND NOT deleted AND \(Int64(clamping: version.value)) <= last + 1
                ON CONFLICT (stream_id) DO UPDATE SET truncate_before = greatest(s.truncate_before, EXCLUDED.truncate_before)
            )
            SELECT last, deleted FROM current
            """
        let found = try await fetch(query, "truncate stream '\(stream)'") { try $0.decode((Int64?, Bool).self) }
        guard let current = found.first, let last = current.0 else {
            throw EventStoreError(.invalidArgument, "cannot truncate stream '\(stream)': it does not exist")
        }
        guard !current.1 else {
            throw EventStoreError(.streamDeleted, "cannot truncate stream '\(stream)': it is deleted")
        }
        guard version.value <= UInt64(last) + 1 else {
            throw EventStoreError(.invalidArgument, "cannot truncate stream '\(stream)' before version \(version): it ends at \(last)")
        }
    }
}
