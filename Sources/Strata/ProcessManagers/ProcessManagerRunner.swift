//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Runs a ``ProcessManager``: follows its events from its checkpoint, records each in the process's journal,
/// issues its commands, and fires its deadlines when they are due.
///
/// ```swift
/// let timeouts = ProcessManagerRunner(PaymentTimeout(), store: store) { command, context in
///     try await orders.handle(command.orderCommand, on: command.order, metadata: context.metadata,
///                             idempotencyKey: context.idempotencyKey)
/// }
/// let group = ServiceGroup(services: [store, timeouts], logger: logger)
/// ```
///
/// ## Exactly once in effect
/// The runner saves its checkpoint after each event, so a crash can hand an event over again. Everything it
/// does for an event is idempotent: the journal entry has an id derived from the event, scheduled commands
/// have ids derived from the event, and each command goes out with an idempotency key derived from the event
/// (or the deadline), which the ``CommandHandler`` it is sent through turns into a no-op on replay. The dispatch
/// closure must therefore pass ``ProcessCommandContext/idempotencyKey`` on.
///
/// A command rejected with ``DomainError`` is an outcome, logged and not retried. Any other error stops the
/// runner's progress: it retries the event after Configuration/retryDelay, never skipping it.
///
/// ## Deadlines
/// Scheduled commands are stored (``ProcessManagerStore``), so they survive restarts: one that fell due while no
/// runner was up fires as soon as one starts, once. Several processes may run the same process manager; the
/// idempotency keys keep each command to one effect.
public final class ProcessManagerRunner<Manager: ProcessManager>: Service {
    /// Sends one of the process manager's commands. Throw ``DomainError`` for a command the domain rejects.
    public typealias Dispatch = @Sendable (Manager.Command, ProcessCommandContext) async throws -> Void

    /// The process manager.
    public let manager: Manager
    /// Where its events come from and its journals go.
    public let store: any EventStore
    /// Where its checkpoint and deadlines are kept.
    public let storage: any ProcessManagerStore
    /// The runner's settings.
    public let configuration: Configuration

    let dispatch: Dispatch
    let deadlinesChanged = AppendSignal()
    let states = Mutex<[String: CachedProcess<Manager.State>]>([:])
    /// Processes with a parked event: their later events are parked behind it, in order.
    let parkedProcesses = Mutex<Set<String>>([])
    /// Failed attempts of scheduled commands, by id, until they succeed or are parked.
    let deadlineAttempts = Mutex<[String: Int]>([:])
    var logger: Logger { configuration.logger }

    /// Creates a runner whose store keeps the process manager's state too (every Strata backend does).
    public convenience init(
        _ manager: Manager,
        store: some EventStore & ProcessManagerStore,
        configuration: Configuration = Configuration(),
        dispatch: @escaping Dispatch
    ) {
        self.init(manager, store: store, storage: store, configuration: configuration, dispatch: dispatch)
    }

    /// Creates a runner that reads events from `store` and keeps checkpoints and deadlines in `storage`.
    public init(
        _ manager: Manager,
        store: any EventStore,
        storage: any ProcessManagerStore,
        configuration: Configuration = Configuration(),
        dispatch: @escaping Dispatch
    ) {
        self.manager = manager
        self.store = store
        self.storage = storage
        self.configuration = configuration
        self.dispatch = dispatch
    }

    /// Follows events and fires deadlines until cancelled or shut down gracefully.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.followEvents() }
                group.addTask { await self.fireDeadlines() }
            }
        }
    }

    private func followEvents() async {
        while !Task.isCancelled {
            do {
                try await loadParkedProcesses()
                let checkpoint = try await storage.processCheckpoint(manager.name) ?? .start
                for try await event in store.subscribeToAll(from: checkpoint.next, filter: manager.filter) {
                    // An event that keeps failing is parked rather than retried for ever: one poison event must
                    // not stop every process behind it.
                    if let failure = try await attempt("handling an event", { try await handle(event) }) {
                        try await park(event, failure.error, attempts: failure.attempts)
                    }
                    try await storage.saveProcessCheckpoint(manager.name, position: event.position)
                }
            } catch {
                if Task.isCancelled { return }
                logger.error(
                    "process manager failed; retrying from its checkpoint",
                    metadata: ["strata.process-manager": "\(manager.name)", "strata.error": "\(error)"]
                )
                try? await configuration.clock.sleep(for: configuration.retryDelay)
            }
        }
    }

    /// Sends a command, treating a ``DomainError`` as the command's outcome rather than a failure.
    func send(_ command: Manager.Command, _ context: ProcessCommandContext) async throws {
        do {
            try await dispatch(command, context)
        } catch let rejection as DomainError {
            logger.info(
                "a process manager's command was rejected",
                metadata: [
                    "strata.process-manager": "\(manager.name)", "strata.process": "\(context.processID)",
                    "strata.key": "\(context.idempotencyKey)", "strata.reason": "\(rejection.message)",
                ]
            )
        }
    }
}

extension ProcessManagerRunner {
    /// Settings of a ``ProcessManagerRunner``.
    public struct Configuration: Sendable {
        /// How long to wait before retrying after a transient failure (a database that is away), which is retried
        /// without limit.
        public var retryDelay: Duration = .seconds(1)
        /// How often an event or a deadline that fails for any other reason is tried before it is parked
        /// (see ````ProcessManagerRunner/parkedEvents()````), and the waits between the attempts.
        public var retry = RetryPolicy(maximumAttempts: 5, initialDelay: .milliseconds(200), maximumDelay: .seconds(5))
        /// How often to look for deadlines scheduled by other processes. Deadlines this runner schedules wake
        /// it at once.
        public var deadlinePollInterval: Duration = .seconds(1)
        /// The most process states kept in memory; beyond it they are rebuilt from their journals.
        public var cachedProcesses = 10_000
        /// Where to log.
        public var logger = Logger(label: "strata.process-managers", factory: { _ in SwiftLogNoOpLogHandler() })
        /// The clock that retries and the waits for the next deadline sleep on: tests pass a clock they move
        /// themselves, together with a ``currentDate`` that moves with it.
        public var clock: any Clock<Duration> = ContinuousClock()
        /// The wall clock that deadlines (``ScheduledCommand/dueAt``) fall due by.
        public var currentDate: @Sendable () -> Date = { Date() }

        public init() {}
    }
}

/// A process's state after the last event it handled in this runner.
struct CachedProcess<State: Sendable>: Sendable {
    var state: State
    var position: GlobalPosition
}
