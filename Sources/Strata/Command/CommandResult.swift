//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// What handling a command produced.
public struct CommandResult<Event: Sendable>: Sendable {
    /// The events the command appended; empty when it changed nothing.
    public var events: [Event]
    /// The stream's version after the command; `nil` when the stream still does not exist.
    public var streamVersion: StreamVersion?
    /// The global position of the stream's last event after the command: a consistency token for
    /// read-your-writes queries. ``GlobalPosition/start`` when the stream has no events.
    public var position: GlobalPosition
    /// How many times the command was decided: more than one when a concurrent writer forced a retry.
    public var attempts: Int
    /// Whether this is the stored outcome of an earlier command with the same idempotency key, returned without
    /// deciding again. Its events are the ones that command appended, as far as the stream still shows them.
    public var isReplay: Bool

    public init(events: [Event], streamVersion: StreamVersion?, position: GlobalPosition, attempts: Int, isReplay: Bool = false) {
        self.events = events
        self.streamVersion = streamVersion
        self.position = position
        self.attempts = attempts
        self.isReplay = isReplay
    }
}
