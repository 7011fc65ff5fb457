//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Strata

extension SQLiteEventStore: ProcessStateTransfer {
    public func processCheckpoints() async throws -> [String: GlobalPosition] {
        try await storageAccess {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT name, position FROM strata_process_checkpoints").reduce(into: [:]) { checkpoints, row in
                    checkpoints[row[0] as String] = GlobalPosition(UInt64(clamping: row[1] as Int64))
                }
            }
        }
    }

    public func importProcessCheckpoints(_ checkpoints: [String: GlobalPosition]) async throws {
        try await storageAccess {
            try await pool.write { db in
                for (name, position) in checkpoints {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO strata_process_checkpoints (name, position) VALUES (?, ?)",
                        arguments: [name, Int64(clamping: position.value)]
                    )
                }
            }
        }
    }

    public func scheduledCommands(after id: String?, limit: Int) async throws -> [ScheduledCommandRecord] {
        try await storageAccess {
            try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, owner, process_id, name, due_at, command, correlation_id, causation_id, metadata, status
                        FROM strata_scheduled_commands WHERE id > ? ORDER BY id LIMIT ?
                        """,
                    arguments: [id ?? "", max(0, limit)]
                ).map { row in
                    let id: String = row[0]
                    guard let status = ScheduledCommandStatus(rawValue: row[9]) else {
                        throw EventStoreError(.corruptEvent, "scheduled command '\(id)' has an unknown status")
                    }
                    let command = ScheduledCommand(
                        id: id,
                        owner: row[1],
                        processID: row[2],
                        name: row[3],
                        dueAt: Date(timeIntervalSinceReferenceDate: row[4]),
                        command: row[5],
                        metadata: EventMetadata(correlationID: row[6], causationID: row[7], custom: try MetadataColumn.decode(row[8]))
                    )
                    return ScheduledCommandRecord(command: command, status: status)
                }
            }
        }
    }

    public func importScheduledCommands(_ records: [ScheduledCommandRecord]) async throws {
        try await storageAccess {
            try await pool.write { db in
                for record in records {
                    let command = record.command
                    try db.execute(
                        sql: """
                            INSERT OR REPLACE INTO strata_scheduled_commands
                                (id, owner, process_id, name, due_at, command, correlation_id, causation_id, metadata, status)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            command.id, command.owner, command.processID, command.name, command.dueAt.timeIntervalSinceReferenceDate,
                            command.command, command.metadata.correlationID, command.metadata.causationID,
                            try MetadataColumn.encode(command.metadata.custom), record.status.rawValue,
                        ]
                    )
                }
            }
        }
    }
}
