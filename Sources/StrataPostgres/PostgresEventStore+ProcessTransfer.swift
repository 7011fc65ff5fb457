//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata

extension PostgresEventStore: ProcessStateTransfer {
    public func processCheckpoints() async throws -> [String: GlobalPosition] {
        let query: PostgresQuery = "SELECT name, position FROM \(unescaped: schema.quoted).strata_process_checkpoints"
        let rows = try await fetch(query, "read the process checkpoints") { row in try row.decode((String, Int64).self) }
        return rows.reduce(into: [:]) { $0[$1.0] = GlobalPosition(UInt64(clamping: $1.1)) }
    }

    public func importProcessCheckpoints(_ checkpoints: [String: GlobalPosition]) async throws {
        let checkpoints = checkpoints
        try await inTransaction("import process checkpoints") { [self] connection in
            for (name, position) in checkpoints {
                let upsert: PostgresQuery = """
                    INSERT INTO \(unescaped: schema.quoted).strata_process_checkpoints (name, position)
                    VALUES (\(name), \(Int64(clamping: position.value)))
                    ON CONFLICT (name) DO UPDATE SET position = excluded.position
                    """
                _ = try await rows(upsert, on: connection)
            }
        }
    }

    public func scheduledCommands(after id: String?, limit: Int) async throws -> [ScheduledCommandRecord] {
        let query: PostgresQuery = """
            SELECT id, owner, process_id, name, due_at, command, correlation_id, causation_id, metadata, status
            FROM \(unescaped: schema.quoted).strata_scheduled_commands WHERE id > \(id ?? "") ORDER BY id LIMIT \(max(0, limit))
            """
        return try await fetch(query, "read scheduled commands") { row in
            let command = try Self.scheduledCommand(from: row)
            guard let status = ScheduledCommandStatus(rawValue: Int(try row.makeRandomAccess()[9].decode(Int16.self))) else {
                throw EventStoreError(.corruptEvent, "scheduled command '\(command.id)' has an unknown status")
            }
            return ScheduledCommandRecord(command: command, status: status)
        }
    }

    public func importScheduledCommands(_ records: [ScheduledCommandRecord]) async throws {
        let records = records
        try await inTransaction("import scheduled commands") { [self] connection in
            for record in records {
                let command = record.command
                let metadata = command.metadata.custom.isEmpty ? nil : ByteBuffer(bytes: try JSONEncoder().encode(command.metadata.custom))
                let upsert: PostgresQuery = """
                    INSERT INTO \(unescaped: schema.quoted).strata_scheduled_commands
                        (id, owner, process_id, name, due_at, command, correlation_id, causation_id, metadata, status)
                    VALUES (\(command.id), \(command.owner), \(command.processID), \(command.name),
                            \(command.dueAt.timeIntervalSinceReferenceDate), \(ByteBuffer(bytes: command.command)),
                            \(command.metadata.correlationID), \(command.metadata.causationID), \(metadata), \(Int16(record.status.rawValue)))
                    ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, process_id = excluded.process_id, name = excluded.name,
                        due_at = excluded.due_at, command = excluded.command, correlation_id = excluded.correlation_id,
                        causation_id = excluded.causation_id, metadata = excluded.metadata, status = excluded.status
                    """
                _ = try await rows(upsert, on: connection)
            }
        }
    }
}
