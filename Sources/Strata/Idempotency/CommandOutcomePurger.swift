//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Logging
import ServiceLifecycle

/// Deletes expired command outcomes periodically: a Service to run beside the command handlers.
///
/// Expired outcomes are already ignored by lookups; deleting them keeps the table from growing for ever and
/// keeps the promise that an idempotency key (and the command's fingerprint, a digest of what it carried) is
/// kept for its retention and not much longer.
///
/// ```swift
/// let purger = CommandOutcomePurger(store: store)   // every hour, outcomes older than 24 hours
/// // ServiceGroup(services: [purger, …], …)
/// ```
///
/// Every interval of `clock` it deletes what was recorded more than `retention` before `now()`. A failed purge is
/// logged and tried again at the next interval. Give command handlers an `idempotencyRetention` no longer than
/// `retention`, or keys they still honour are deleted early.
public struct CommandOutcomePurger<C: Clock>: Service where C.Duration == Duration {
    /// Where the outcomes are.
    public let store: any CommandOutcomeStore
    /// How long an outcome is kept.
    public let retention: Duration
    /// How often expired outcomes are deleted.
    public let interval: Duration
    /// Times the intervals.
    public let clock: C
    /// The current time, against which retention is measured.
    public let now: @Sendable () -> Date
    /// Where failures and purges are logged.
    public let logger: Logger

    public init(
        store: any CommandOutcomeStore,
        retention: Duration = .seconds(86_400),
        interval: Duration = .seconds(3_600),
        clock: C,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "strata.outcomes", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        precondition(interval > .zero, "the purge interval must be positive")
        self.store = store
        self.retention = retention
        self.interval = interval
        self.clock = clock
        self.now = now
        self.logger = logger
    }

    /// Deletes the outcomes recorded more than `retention` before now; returns how many.
    @discardableResult
    public func purgeExpired() async throws -> Int {
        try await store.purgeCommandOutcomes(recordedBefore: now().addingTimeInterval(-retention.timeInterval))
    }

    /// Purges every interval until the task is cancelled or the service group shuts down gracefully.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await clock.sleep(for: interval)
                } catch {
                    return
                }
                do {
                    let purged = try await purgeExpired()
                    if purged > 0 { logger.debug("purged expired command outcomes", metadata: ["strata.count": "\(purged)"]) }
                } catch {
                    logger.warning("purging expired command outcomes failed; trying again later", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}

extension CommandOutcomePurger where C == ContinuousClock {
    /// A purger timed by the continuous clock.
    public init(
        store: any CommandOutcomeStore,
        retention: Duration = .seconds(86_400),
        interval: Duration = .seconds(3_600),
        logger: Logger = Logger(label: "strata.outcomes", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.init(store: store, retention: retention, interval: interval, clock: ContinuousClock(), logger: logger)
    }
}
