//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// An event to append: its id, stable type name, JSON data and metadata.
///
/// The store assigns the stream version, global position and recording time. Reusing an event id makes an
/// append idempotent: see ``EventStore/append(_:to:expecting:)``.
public struct NewEvent: Hashable, Sendable {
    /// The event's unique id; by default a time-ordered one (UUID/timeOrdered(at:)). Appending the same id again
    /// at the same place in the same stream is a no-op.
    public var id: UUID
    /// The stable type name, such as `OrderPlaced`. Never a Swift type name, so that renaming code keeps
    /// old events readable.
    public var type: String
    /// The event's data as JSON.
    public var data: Data
    /// Correlation, causation and free-form annotations.
    public var metadata: EventMetadata
    /// The version of the data's shape, starting at 1. Upcasters turn events stored with an older version into
    /// the current shape when they are read; see ``EventRegistry``.
    public var schemaVersion: Int

    public init(id: UUID = .timeOrdered(), type: String, data: Data, metadata: EventMetadata = EventMetadata(), schemaVersion: Int = 1) {
        self.id = id
        self.type = type
        self.data = data
        self.metadata = metadata
        self.schemaVersion = schemaVersion
    }
}
