//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// An aggregate's state saved at a stream version, so that loading it reads only the events after that version.
///
/// A snapshot is a cache: it never changes what the log says, and deleting every snapshot only makes loading
/// slower. Its schemaVersion says which shape of the state the data has; a loader ignores snapshots of any
/// other schema version rather than decoding them wrongly.
public struct Snapshot: Hashable, Sendable {
    /// The stream the state was folded from.
    public var stream: StreamID
    /// What kind of state this is, such as the decider's name: one stream may have snapshots of several kinds.
    public var kind: String
    /// The version of the stream's last event the state includes.
    public var version: StreamVersion
    /// The global position of that event.
    public var position: GlobalPosition
    /// The shape of the state's data.
    public var schemaVersion: Int
    /// The encoded state.
    public var data: Data
    /// When the snapshot was taken.
    public var takenAt: Date

    public init(
        stream: StreamID,
        kind: String,
        version: StreamVersion,
        position: GlobalPosition,
        schemaVersion: Int,
        data: Data,
        takenAt: Date = Date()
    ) {
        self.stream = stream
        self.kind = kind
        self.version = version
        self.position = position
        self.schemaVersion = schemaVersion
        self.data = data
        self.takenAt = takenAt
    }
}
