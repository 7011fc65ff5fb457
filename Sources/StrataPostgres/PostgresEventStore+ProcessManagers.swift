//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata

/// Process-manager state lives in `strata_process_checkpoints` and `strata_scheduled_commands`. A scheduled
/// command's status is 0 pending, 1 completed or 2 cancelled; rows are kept, so that scheduling a finished
/// command again (a replay) changes nothing.
extension PostgresEventStore: ProcessManagerStore {
    private enum ScheduleStatus: Int16 {
        case pending = 0
        case completed = 1
        case cancelled = 2

        /// A literal rather than a parameter, so that the planner can match the partial index on pending commands.
        var sql: String { "\(rawValue)" }
    }

    private var scheduledCommands: String { "\(schema.quoted).strata_scheduled_commands" }

    public func processCheckpoint(_ name: String) async throws -> GlobalPosition? {
        let query: PostgresQuery = "SELECT position FROM \(unescaped: schema.quoted).strata_process_checkpoints WHERE name = \(name)"
        return try await fetch(query, "read the checkpoint of '\(name)'") { GlobalPosition(UInt64(max(0, try $0.decode(Int64.self)))) }.first
    }

    public func saveProcessCheckpoint(_ name: String, position: GlobalPosition) async throws {
        try await execute(
            """
            INSERT INTO \(unescaped: schema.quoted).strata_process_checkpoints AS c (name, position)
            VALUES (\(name), \(Int64(clamping: position.value)))
            ON CONFLICT (name) DO UPDATE SET position = greatest(c.position, EXCLUDED.position)
            """,
            "save the checkpoint of '\(name)'"
        )
    }

    public func schedule(_ command: ScheduledCommand) async throws {
        let metadata = command.metadata.custom.isEmpty ? nil : ByteBuffer(bytes: try JSONEncoder().encode(command.metadata.custom))
        try await execute(
            """
            INSERT INTO \(unescaped: scheduledCommands)
                (id, owner, process_id, name, due_at, command, correlation_id, causation_id, metadata, status)
            VALUES (\(command.id), \(command.owner), \(command.processID), \(command.name),
                    \(command.dueAt.timeIntervalSinceReferenceDate), \(ByteBuffer(bytes: command.command)),
                    \(command.metadata.correlationID), \(command.metadata.causationID), \(metadata), \(unescaped: ScheduleStatus.pending.sql))
            ON CONFLICT (id) DO NOTHING
            """,
            "schedule command '\(command.id)'"
        )
    }

    @discardableResult
    public func cancelScheduledCommands(owner: String, processID: String, name: String) async throws -> Int {
        let query: PostgresQuery = """
            WITH cancelled AS (
                UPDATE \(unescaped: scheduledCommands) SET status = \(unescaped: ScheduleStatus.cancelled.sql)
                WHERE owner = \(owner) AND process_id = \(processID) AND name = \(name) AND status = \(unescaped: ScheduleStatus.pending.sql)
                RETURNING 1
            )
            SELECT count(*) FROM cancelled
            """
        return try await fetch(query, "cancel commands of '\(owner)'") { Int(try $0.decode(Int64.self)) }.first ?? 0
    }

    /// Ties of due time are broken by id in code-point order (`COLLATE "C"`), whatever the database's collation.
    public func dueScheduledCommands(owner: String, dueBy date: Date, limit: Int) async throws -> [ScheduledCommand] {
        guard limit > 0 else { return [] }
        let query: PostgresQuery = """
            SELECT id, owner, process_id, name, due_at, command, correlation_id, causation_id, metadata
            FROM \(unescaped: scheduledCommands)
            WHERE owner = \(owner) AND status = \(unescaped: ScheduleStatus.pending.sql) AND due_at <= \(date.timeIntervalSinceReferenceDate)
            ORDER BY due_at, id COLLATE "C"
            LIMIT \(limit)
            """
        return try await fetch(query, "read the due commands of '\(owner)'", Self.scheduledCommand(from:))
    }

    public func nextScheduledCommandDue(owner: String) async throws -> Date? {
        let query: PostgresQuery = """
            SELECT min(due_at) FROM \(unescaped: scheduledCommands)
            WHERE owner = \(owner) AND status = \(unescaped: ScheduleStatus.pending.sql)
            """
        let due = try await fetch(query, "read the next due command of '\(owner)'") { try $0.decode(Double?.self) }
        return due.first?.map { Date(timeIntervalSinceReferenceDate: $0) }
    }

    public func completeScheduledCommand(id: String) async throws {
        try await execute(
            """
            UPDATE \(unescaped: scheduledCommands) SET status = \(unescaped: ScheduleStatus.completed.sql)
            WHERE id = \(id) AND status = \(unescaped: ScheduleStatus.pending.sql)
            """,
            "complete command '\(id)'"
        )
    }

    /// The command in the first nine columns of `row` (id, owner, process_id, name, due_at, command,
    /// correlation_id, causation_id, metadata); a query may select more after them.
    static func scheduledCommand(from row: PostgresRow) throws -> ScheduledCommand {
        let cells = row.makeRandomAccess()
        let id = try cells[0].decode(String.self)
        let (owner, processID, name) = (try cells[1].decode(String.self), try cells[2].decode(String.self), try cells[3].decode(String.self))
        let (dueAt, command) = (try cells[4].decode(Double.self), try cells[5].decode(ByteBuffer.self))
        let (correlation, causation) = (try cells[6].decode(String?.self), try cells[7].decode(String?.self))
        let metadata = try cells[8].decode(ByteBuffer?.self)
        var custom: [String: String] = [:]
        if let metadata {
            do {
                custom = try JSONDecoder().decode([String: String].self, from: Data(metadata.readableBytesView))
            } catch {
                throw EventStoreError(.corruptEvent, "scheduled command '\(id)' has malformed metadata", underlying: error)
            }
        }
        return ScheduledCommand(
            id: id,
            owner: owner,
            processID: processID,
            name: name,
            dueAt: Date(timeIntervalSinceReferenceDate: dueAt),
            command: Data(command.readableBytesView),
            metadata: EventMetadata(correlationID: correlation, causationID: causation, custom: custom)
        )
    }
}
