//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// An event as the store returns it: what was appended, plus where and when it was recorded.
public struct RecordedEvent: Hashable, Sendable {
    /// The event's unique id.
    public var id: UUID
    /// The stream the event belongs to.
    public var stream: StreamID
    /// Its version inside the stream (the stream's first event is version 0).
    public var version: StreamVersion
    /// Its position in the whole log.
    public var position: GlobalPosition
    /// The stable type name.
    public var type: String
    /// The event's data as JSON.
    public var data: Data
    /// Correlation, causation and free-form annotations.
    public var metadata: EventMetadata
    /// When the store committed the event.
    public var recordedAt: Date
    /// The version of the data's shape the event was stored with, starting at 1.
    public var schemaVersion: Int

    public init(
        id: UUID,
        stream: StreamID,
        version: StreamVersion,
        position: GlobalPosition,
        type: String,
        data: Data,
        metadata: EventMetadata,
        recordedAt: Date,
        schemaVersion: Int = 1
    ) {
        self.id = id
        self.stream = stream
        self.version = version
        self.position = position
        self.type = type
        self.data = data
        self.metadata = metadata
        self.recordedAt = recordedAt
        self.schemaVersion = schemaVersion
    }
}
