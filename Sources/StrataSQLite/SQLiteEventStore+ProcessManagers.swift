//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Strata

extension SQLiteEventStore: ProcessManagerStore {
    /// The `status` column of strata_scheduled_commands.
    enum ScheduleStatus: Int {
        case pending = 0
        case completed = 1
        case cancelled = 2
    }

    public func processCheckpoint(_ name: String) async throws -> GlobalPosition? {
        let position = try await storageAccess {
            try await pool.read { db in
                try Int64.fetchOne(db, sql: "SELECT position FROM strata_process_checkpoints WHERE name = ?", arguments: [name])
            }
        }
        return position.map { GlobalPosition(UInt64(clamping: $0)) }
    }

    public func saveProcessCheckpoint(_ name: String, position: GlobalPosition) async throws {
        try await storageAccess {
            try await pool.write { db in
                // MAX keeps a checkpoint from moving backwards, even when an older save commits last.
                try db.execute(
                    sql: """
                        INSERT INTO strata_process_checkpoints (name, position) VALUES (?, ?)
                        ON CONFLICT (name) DO UPDATE SET position = MAX(position, excluded.position)
                        """,
                    arguments: [name, Int64(clamping: position.value)]
                )
            }
        }
    }

    public func schedule(_ command: ScheduledCommand) async throws {
        let custom = try MetadataColumn.encode(command.metadata.custom)
        try await storageAccess {
            try await pool.write { db in
                // IGNORE: scheduling again after a replay changes nothing, whatever state the command is in.
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO strata_scheduled_commands
                            (id, owner, process_id, name, due_at, command, correlation_id, causation_id, metadata, status)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        command.id, command.owner, command.processID, command.name, command.dueAt.timeIntervalSinceReferenceDate,
                        command.command, command.metadata.correlationID, command.metadata.causationID, custom,
                        ScheduleStatus.pending.rawValue,
                    ]
                )
            }
        }
    }

    @discardableResult
    public func cancelScheduledCommands(owner: String, processID: String, name: String) async throws -> Int {
        try await storageAccess {
            try await pool.write { db in
                try db.execute(
                    sql: "UPDATE strata_scheduled_commands SET status = ? WHERE owner = ? AND status = ? AND process_id = ? AND name = ?",
                    arguments: [ScheduleStatus.cancelled.rawValue, owner, ScheduleStatus.pending.rawValue, processID, name]
                )
                return db.changesCount
            }
        }
    }

    public func dueScheduledCommands(owner: String, dueBy date: Date, limit: Int) async throws -> [ScheduledCommand] {
        guard limit > 0 else { return [] }
        return try await storageAccess {
            try await pool.read { db in
                let rows = try Row.fetchCursor(
                    db.cachedStatement(
                        sql: """
                            SELECT id, process_id, name, due_at, command, correlation_id, causation_id, metadata
                            FROM strata_scheduled_commands WHERE owner = ? AND status = ? AND due_at <= ?
                            ORDER BY due_at, id LIMIT ?
                            """
                    ),
                    arguments: [owner, ScheduleStatus.pending.rawValue, date.timeIntervalSinceReferenceDate, limit]
                )
                var commands: [ScheduledCommand] = []
                while let row = try rows.next() {
                    commands.append(try Self.scheduledCommand(from: row, owner: owner))
                }
                return commands
            }
        }
    }

    public func nextScheduledCommandDue(owner: String) async throws -> Date? {
        let dueAt = try await storageAccess {
            try await pool.read { db in
                try Double.fetchOne(
                    db,
                    sql: "SELECT MIN(due_at) FROM strata_scheduled_commands WHERE owner = ? AND status = ?",
                    arguments: [owner, ScheduleStatus.pending.rawValue]
                )
            }
        }
        return dueAt.map { Date(timeIntervalSinceReferenceDate: $0) }
    }

    private static func scheduledCommand(from row: Row, owner: String) throws -> ScheduledCommand {
        let id: String = row[0]
        let custom: [String: String]
        do {
            custom = try MetadataColumn.decode(row[7])
        } catch {
            throw EventStoreError(.corruptEvent, "the scheduled command '\(id)' has malformed metadata", underlying: error)
        }
        return ScheduledCommand(
            id: id,
            owner: owner,
            processID: row[1],
            name: row[2],
            dueAt: Date(timeIntervalSinceReferenceDate: row[3]),
            command: row[4],
            metadata: EventMetadata(correlationID: row[5], causationID: row[6], custom: custom)
        )
    }

    public func completeScheduledCommand(id: String) async throws {
        try await storageAccess {
            try await pool.write { db in
                try db.execute(
                    sql: "UPDATE strata_scheduled_commands SET status = ? WHERE id = ? AND status = ?",
                    arguments: [ScheduleStatus.completed.rawValue, id, ScheduleStatus.pending.rawValue]
                )
            }
        }
    }
}
