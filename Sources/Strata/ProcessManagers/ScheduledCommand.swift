//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// A command a process manager asked to send later: a deadline.
public struct ScheduledCommand: Hashable, Sendable {
    /// Unique, derived from the event that scheduled it, so that scheduling again after a replay is a no-op;
    /// also the idempotency key the command is sent with, so that it takes effect once.
    public var id: String
    /// The process manager that scheduled it.
    public var owner: String
    /// The process (instance) it belongs to.
    public var processID: String
    /// The name the process manager gave it, by which it can be cancelled.
    public var name: String
    /// When it is due.
    public var dueAt: Date
    /// The command, as JSON.
    public var command: Data
    /// Correlation and causation for the command.
    public var metadata: EventMetadata

    public init(id: String, owner: String, processID: String, name: String, dueAt: Date, command: Data, metadata: EventMetadata) {
        self.id = id
        self.owner = owner
        self.processID = processID
        self.name = name
        self.dueAt = dueAt
        self.command = command
        self.metadata = metadata
    }
}
