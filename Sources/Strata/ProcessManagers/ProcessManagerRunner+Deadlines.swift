//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Tracing

extension ProcessManagerRunner {
    /// Sends due deadlines, then sleeps until the next one is due, a new one is scheduled, or the poll interval
    /// passes (for deadlines other processes schedule).
    func fireDeadlines() async {
        let batchSize = 100
        while !Task.isCancelled {
            let generation = deadlinesChanged.generation
            do {
                let due = try await storage.dueScheduledCommands(owner: manager.name, dueBy: configuration.currentDate(), limit: batchSize)
                var undecodable = 0
                var failedAttempt: Int?
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
                    let context = ProcessCommandContext(idempotencyKey: scheduled.id, metadata: metadata, processID: scheduled.processID)
                    do {
                        if let scheduling = TraceContext.extract(from: scheduled.metadata) {
                            try await withSpan("strata.process-manager.deadline", context: scheduling, ofKind: .internal) { span in
                                span.attributes["strata.process-manager"] = manager.name
                                span.attributes["strata.process"] = scheduled.processID
                                span.attributes["strata.deadline"] = scheduled.name
                                try await send(command, context)
                            }
                        } else {
                            try await send(command, context)
                        }
                    } catch  where !Task.isCancelled && !Self.isTransient(error) {
                        // A command that keeps failing is parked after its attempts, so that it cannot hold up the
                        // deadlines due after it; until then the others go first.
                        let attempts = deadlineAttempts.withLock { attempts in
                            attempts[scheduled.id, default: 0] += 1
                            return attempts[scheduled.id] ?? 1
                        }
                        guard attempts >= configuration.retry.maximumAttempts else {
                            failedAttempt = max(failedAttempt ?? 0, attempts)
                            logger.warning(
                                "a scheduled command failed; trying again",
                                metadata: ["strata.process-manager": "\(manager.name)", "strata.id": "\(scheduled.id)", "strata.error": "\(error)"]
                            )
                            continue
                        }
                        try await park(
                            ParkedProcessEvent(deadline: scheduled, reason: Self.reason(for: error), attempts: attempts), key: scheduled.id)
                    }
                    try await storage.completeScheduledCommand(id: scheduled.id)
                    deadlineAttempts.withLock { _ = $0.removeValue(forKey: scheduled.id) }
                }
                if due.count == batchSize, undecodable < batchSize, failedAttempt == nil { continue }
                var wait = configuration.deadlinePollInterval
                if let failedAttempt {
                    wait = min(wait, configuration.retry.delay(after: failedAttempt))
                } else if undecodable == 0, let next = try await storage.nextScheduledCommandDue(owner: manager.name) {
                    wait = min(wait, Self.wait(until: next, from: configuration.currentDate()))
                }
                await deadlinesChanged.wait(after: generation, timeout: wait, clock: configuration.clock)
            } catch {
                if Task.isCancelled { return }
                logger.error(
                    "sending a deadline failed; retrying",
                    metadata: ["strata.process-manager": "\(manager.name)", "strata.error": "\(error)"]
                )
                try? await configuration.clock.sleep(for: configuration.retryDelay)
            }
        }
    }

    /// How long from `now` until `date`, rounded up to whole milliseconds; never negative and never a trap,
    /// whatever date a stored deadline holds.
    static func wait(until date: Date, from now: Date) -> Duration {
        let milliseconds = (date.timeIntervalSince(now) * 1000).rounded(.up) + 1
        guard milliseconds.isFinite, milliseconds > 0 else { return .zero }
        // A day is as long as any wait needs to be: the poll interval bounds it anyway.
        return .milliseconds(Int64(min(milliseconds, 86_400_000)))
    }
}
