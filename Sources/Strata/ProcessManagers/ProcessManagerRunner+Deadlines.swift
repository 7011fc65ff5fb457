//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

extension ProcessManagerRunner {
    /// Sends due deadlines, then sleeps until the next one is due, a new one is scheduled, or the poll interval
    /// passes (for deadlines other processes schedule).
    func fireDeadlines() async {
        let batchSize = 100
        while !Task.isCancelled {
            let generation = deadlinesChanged.generation
            do {
                let due = try await storage.dueScheduledCommands(owner: manager.name, dueBy: Date(), limit: batchSize)
                var undecodable = 0
                for scheduled in due {
                    guard !Task.isCancelled else { return }
                    let command: Manager.Command
                    do {
                        command = try JSONDecoder().decode(Manager.Command.self, from: scheduled.command)
                    } catch {
                        // Left pending, not dropped: a fixed build can still send it.
                        undecodable += 1
                        logger.error(
                            "a scheduled command does not decode; leaving it pending",
                            metadata: ["strata.process-manager": "\(manager.name)", "strata.id": "\(scheduled.id)", "strata.error": "\(error)"]
                        )
                        continue
                    }
                    let metadata = CommandMetadata(
                        commandID: DerivedID.uuid(from: scheduled.id),
                        correlationID: scheduled.metadata.correlationID,
                        causationID: scheduled.metadata.causationID
                    )
                    try await send(command, ProcessCommandContext(idempotencyKey: scheduled.id, metadata: metadata, processID: scheduled.processID))
                    try await storage.completeScheduledCommand(id: scheduled.id)
                }
                if due.count == batchSize, undecodable < batchSize { continue }
                var wait = configuration.deadlinePollInterval
                if undecodable == 0, let next = try await storage.nextScheduledCommandDue(owner: manager.name) {
                    wait = min(wait, .milliseconds(max(0, Int64(next.timeIntervalSinceNow * 1000) + 1)))
                }
                await deadlinesChanged.wait(after: generation, timeout: wait)
            } catch {
                if Task.isCancelled { return }
                logger.error(
                    "sending a deadline failed; retrying",
                    metadata: ["strata.process-manager": "\(manager.name)", "strata.error": "\(error)"]
                )
                try? await Task.sleep(for: configuration.retryDelay)
            }
        }
    }
}
