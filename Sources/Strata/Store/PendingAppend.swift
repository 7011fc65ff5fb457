//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// One append as a backend's group commit queues it: the events, their stream and the expectation.
public struct PendingAppend: Sendable {
    /// The events to append, at least one.
    public var events: [NewEvent]
    /// The stream to append to.
    public var stream: StreamID
    /// What the stream's current version must be.
    public var expected: ExpectedVersion

    public init(events: [NewEvent], stream: StreamID, expected: ExpectedVersion) {
        self.events = events
        self.stream = stream
        self.expected = expected
    }
}
