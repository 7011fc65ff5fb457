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
    func withConnection<Value: Sendable>(
        waitingAtMost limit: Duration,
        _ operation: @escaping @Sendable (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let lease = LeaseDeadline()
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask {
                try await self.withConnection { connection in
                    // The deadline may have passed just as the connection arrived: then the caller gets the
                    // deadline's error, and the operation must not run behind its back.
                    guard lease.claim(.leased) else { return nil }
                    return try await ConnectionCloseWatch.shared.run(on: connection, operation)
                }
            }
            group.addTask {
                try await Task.sleep(for: limit)
                guard lease.claim(.expired) else { return nil }
                throw EventStoreError(.unavailable, "PostgreSQL is unavailable: no connection within \(limit)")
            }
            defer { group.cancelAll() }
            while let value = try await group.next() {
                if let value { return value }
            }
            // Unreachable: either the operation's task returns a value or throws, or the deadline's task throws.
            throw CancellationError()
        }
    }
}

/// Decides, exactly once, whether a connection arrived before the deadline.
private final class LeaseDeadline: Sendable {
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
