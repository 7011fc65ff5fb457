//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// Where snapshots are kept: beside the events, in the same database, in a table of their own.
///
/// Every event-store backend is also a ``SnapshotStore``. A store keeps one snapshot per stream and kind: the
/// latest one saved, except that a snapshot never replaces one of a later version with the same schema
/// version (two writers racing leave the newer state).
public protocol SnapshotStore: Sendable {
    /// Saves `snapshot`, replacing the stream's snapshot of the same kind unless that one is newer and of
    /// the same schema version.
    func saveSnapshot(_ snapshot: Snapshot) async throws

    /// The stream's snapshot of `kind`, or `nil` when there is none.
    func snapshot(of stream: StreamID, kind: String) async throws -> Snapshot?

    /// Deletes every snapshot of `kind` (every kind when `nil`); returns how many were deleted.
    @discardableResult
    func deleteSnapshots(kind: String?) async throws -> Int

    /// Deletes every snapshot of `stream`, of every kind; returns how many. Forgetting a data subject does
    /// this for the subject's stream, since snapshots hold decrypted state.
    @discardableResult
    func deleteSnapshots(of stream: StreamID) async throws -> Int
}
