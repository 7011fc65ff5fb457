//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

/// A stored event carries numbers the shop's views cannot hold: a line beyond today's limits, written by an older
/// version or appended by hand, or a total that would overflow.
///
/// Views throw it instead of trapping, so that the projection parks the event and the service keeps serving.
public struct EventBeyondLimits: Error, Hashable, CustomStringConvertible {
    /// Where the event is.
    public var position: GlobalPosition
    /// Its stream.
    public var stream: String
    /// What is beyond the limits.
    public var reason: String

    public init(_ event: RecordedEvent, _ reason: String) {
        self.position = event.position
        self.stream = event.stream.rawValue
        self.reason = reason
    }

    public var description: String { "event \(position) of '\(stream)': \(reason)" }
}
