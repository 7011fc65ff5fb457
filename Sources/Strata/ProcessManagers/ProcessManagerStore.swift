//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// What process managers keep in the event store's database: their checkpoints and their scheduled commands.
///
/// Every event-store backend is also a ``ProcessManagerStore``. Scheduled commands are *pending* until completed
/// or cancelled; both are final.
public protocol ProcessManagerStore: Sendable {
    /// The position of the last event the process manager `name` finished, or `nil` before its first.
    func processCheckpoint(_ name: String) async throws -> GlobalPosition?

    /// Records that the process manager `name` finished every event up to `position`. Never moves backwards.
    func saveProcessCheckpoint(_ name: String, position: GlobalPosition) async throws

    /// Stores a scheduled command as pending. When one with the same id exists, in any state, nothing changes.
    func schedule(_ command: ScheduledCommand) async throws

    /// Cancels the pending commands of `owner`'s process `processID` named `name`; returns how many.
    @discardableResult
    func cancelScheduledCommands(owner: String, processID: String, name: String) async throws -> Int

    /// The pending commands of `owner` due at or before `date`, earliest first, at most `limit`.
    func dueScheduledCommands(owner: String, dueBy date: Date, limit: Int) async throws -> [ScheduledCommand]

    /// When `owner`'s earliest pending command is due, or `nil` when it has none.
    func nextScheduledCommandDue(owner: String) async throws -> Date?

    /// Marks a command as sent. Completing one that is not pending changes nothing.
    func completeScheduledCommand(id: String) async throws
}
