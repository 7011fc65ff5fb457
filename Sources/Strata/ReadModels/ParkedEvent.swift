//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// An event a projection could not apply, set aside in the read store's dead-letter table.
///
/// Parked events can be listed and replayed (``ProjectionRunner/replayParked(_:)``). When a projection keeps
/// stream order, later events of a stream with a parked event are parked behind it, in order.
public struct ParkedEvent: Hashable, Sendable {
    /// The projection that parked it.
    public var projection: String
    /// The generation it was parked in.
    public var generation: Int
    /// The event, as it was recorded.
    public var event: RecordedEvent
    /// The last error, readable by an operator.
    public var error: String
    /// How many times applying it was attempted; 0 when it was parked behind an earlier event of its stream.
    public var attempts: Int
    /// When it was parked, or last retried.
    public var parkedAt: Date

    public init(projection: String, generation: Int, event: RecordedEvent, error: String, attempts: Int, parkedAt: Date = Date()) {
        self.projection = projection
        self.generation = generation
        self.event = event
        self.error = error
        self.attempts = attempts
        self.parkedAt = parkedAt
    }
}
