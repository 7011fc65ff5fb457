//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// Where a scheduled command stands.
public enum ScheduledCommandStatus: Int, Hashable, Sendable {
    /// Waiting for its time.
    case pending = 0
    /// Sent.
    case completed = 1
    /// Cancelled by its process manager.
    case cancelled = 2
}

/// A scheduled command as a store keeps it, whatever its status.
public struct ScheduledCommandRecord: Hashable, Sendable {
    public var command: ScheduledCommand
    public var status: ScheduledCommandStatus

    public init(command: ScheduledCommand, status: ScheduledCommandStatus) {
        self.command = command
        self.status = status
    }
}

/// The state of a store's process managers, which a copy of its log must carry along: without their checkpoints,
/// process managers on the copy would react to the whole log again and send its commands a second time.
public protocol ProcessStateTransfer: LogTransfer, ProcessManagerStore {
    /// Every process manager's checkpoint: the position of the last event it handled.
    func processCheckpoints() async throws -> [String: GlobalPosition]

    /// Writes checkpoints, replacing any the store has for those process managers.
    func importProcessCheckpoints(_ checkpoints: [String: GlobalPosition]) async throws

    /// Scheduled commands of every status, in id order, a page at a time.
    func scheduledCommands(after id: String?, limit: Int) async throws -> [ScheduledCommandRecord]

    /// Writes scheduled commands with their status, replacing any with the same ids.
    func importScheduledCommands(_ records: [ScheduledCommandRecord]) async throws
}
