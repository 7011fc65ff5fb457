//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// How streams end: soft deletion and truncation, the same on every backend.
///
/// - **Soft delete** (``EventStore/deleteStream(_:expecting:)``) appends one event of type deletedEventType to
///   the stream. From then on the stream reads as empty, ``EventStore/currentVersion(of:)`` returns `nil`, and
///   appends to it throw ``EventStoreError`` with code ``EventStoreError/Code/streamDeleted``, whatever they expect:
///   a deleted stream id is never reused, so nothing can mistake a new stream for the old one. Its events stay
///   in the global log, so projections still see them, followed by the deletion event, on which they can drop
///   their rows.
/// - **Truncate before** (``EventStore/truncateStream(_:before:)``) hides a stream's events before a version from
///   stream reads, typically once a snapshot covers them, so loading the aggregate reads less. The events stay
///   in the global log: projections, live or rebuilding, still receive every one of them. Versions do not
///   change, so optimistic concurrency works as before.
public enum StreamLifecycle {
    /// The type of the event that deleteStream appends. Its data is an empty JSON object.
    public static let deletedEventType = "$StreamDeleted"

    /// The event a deletion appends.
    public static func deletionEvent(metadata: EventMetadata = EventMetadata()) -> NewEvent {
        NewEvent(type: deletedEventType, data: Data("{}".utf8), metadata: metadata)
    }
}
