//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import PostgresNIO
import Strata
import Synchronization

extension PostgresClient {
    /// Runs `operation` on a pooled connection, failing with `unavailable` when the pool has none to lend
    /// within `limit`.
    ///
    /// postgres-nio's pool does not fail a request when it cannot reach the server: it queues the request and
    /// keeps reconnecting, and fails it only when its circuit breaker trips, a minute after the first failed
    /// attempt. Without a limit, an append made while the server restarts would hang for that minute instead of
    /// telling its caller to retry. The limit covers only the wait for a connection: once `operation` has a
    /// connection it runs to its end, so a slow query is never cut off half way, unless the connection closes
    /// under it (see ConnectionCloseWatch).
    ///
    /// The operation runs in one task of its own (which ConnectionCloseWatch needs, to leave a stuck operation
    /// behind), and the deadline is watched by DeadlineWatch, which may fail the wait up to a tenth of a second
    /// late. Every read and append goes through here: a child task sleeping beside each call added a task to every
    /// query, a cancelled `Task.sleep` leaves its timer pending until it would have fired, and an event-loop timer
    /// per call woke the event loop twice, to schedule it and to cancel it.
    ///
    /// - Parameter ignoringCancellation: Whether the operation runs to its end even if the caller is cancelled,
    ///   as a batch of appends must: it belongs to every caller in it, not only to the one that waits here.
    func withConnection<Value: Sendable>(
        waitingAtMost limit: Duration,
        ignoringCancellation: Bool = false,
        _ operation: @escaping @Sendable (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let lease = LeaseDeadline()
        let outcome = OperationOutcome<Value>()
        let task = Task {
            do {
                let value = try await self.withConnection { connection -> Value? in
                    // The deadline may have passed just as the connection arrived: then the caller has the
                    // deadline's error, and the operation must not run behind its back.
                    guard lease.claim(.leased) else { return nil }
                    return try await ConnectionCloseWatch.shared.watching(outcome, on: connection) { try await operation(connection) }
                }
                if let value { outcome.finish(.success(value)) }
            } catch {
                outcome.finish(.failure(error))
            }
        }
        let deadline = DeadlineWatch.shared.watch(until: .now() + TimeAmount(limit)) {
            if lease.claim(.expired) {
                task.cancel()
                outcome.finish(.failure(EventStoreError(.unavailable, "PostgreSQL is unavailable: no connection within \(limit)")))
            }
            return nil
        }
        defer { DeadlineWatch.shared.cancel(deadline) }
        return try await withTaskCancellationHandler {
            try await outcome.value()
        } onCancel: {
            if !ignoringCancellation { task.cancel() }
        }
    }
}

/// Decides, exactly once, whether a connection arrived before the deadline.
final class LeaseDeadline: Sendable {
    enum Outcome {
        case leased
        case expired
    }

    private let outcome = Mutex<Outcome?>(nil)

    /// Records `outcome` unless the other one came first; returns whether it did.
    func claim(_ outcome: Outcome) -> Bool {
        self.outcome.withLock { current in
            guard current == nil else { return false }
            current = outcome
            return true
        }
    }
}
