//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import PostgresNIO
import Strata
import Synchronization

/// Fails operations whose connection closes under them instead of letting them wait forever.
///
/// postgres-nio sends a query by writing it to the connection's channel without asking to hear whether the write
/// failed. When the server goes away, the pool can lend a connection whose channel has just closed and that the
/// pool has not yet heard about; the query written to it is dropped, and whoever awaits its result waits
/// forever, deaf to cancellation. An append stuck that way would hold every later append of the store back.
///
/// So every operation runs in a task of its own, and the caller waits for whichever comes first: the
/// operation's outcome, or its connection closing. A query the connection had already taken fails by itself
/// when the connection closes, so the watch first gives the operation a moment to report its own outcome; only
/// an operation that stays silent is abandoned, with an `unavailable` error for its caller.
final class ConnectionCloseWatch: Sendable {
    /// One watch for the whole process: connections are identified by object, and each is watched once.
    static let shared = ConnectionCloseWatch()

    /// How long an operation on a closed connection may still report its own outcome.
    static let grace: TimeAmount = .milliseconds(250)

    private struct State {
        var operations: [ObjectIdentifier: [UInt64: any Abandonable]] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Runs `operation` on `connection`, failing with `unavailable` if the connection closes and the operation
    /// then stays silent for longer than the grace period.
    func run<Value: Sendable>(
        on connection: PostgresConnection,
        _ operation: @escaping @Sendable (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let outcome = OperationOutcome<Value>()
        // Unstructured, so that an operation stuck on a dropped query can be left behind; a child task could not,
        // as its parent must wait for it.
        let task = Task {
            do {
                outcome.finish(.success(try await watching(outcome, on: connection) { try await operation(connection) }))
            } catch {
                outcome.finish(.failure(error))
            }
        }
        return try await withTaskCancellationHandler {
            try await outcome.value()
        } onCancel: {
            task.cancel()
        }
    }

    /// Runs `body`, which works on `connection` for whoever awaits `outcome`; if the connection closes meanwhile
    /// and `outcome` is still open after the grace period, `outcome` fails with `unavailable`.
    ///
    /// `body` must run in a task that its caller can leave behind, as `outcome`'s awaiter may stop waiting for it.
    func watching<Value: Sendable, Result>(
        _ outcome: OperationOutcome<Value>,
        on connection: PostgresConnection,
        _ body: () async throws -> Result
    ) async throws -> Result {
        let key = ObjectIdentifier(connection)
        let (id, firstOperation) = state.withLock { state in
            state.nextID &+= 1
            let first = state.operations[key] == nil
            state.operations[key, default: [:]][state.nextID] = outcome
            return (state.nextID, first)
        }
        if firstOperation {
            // Once per connection, not per operation: callbacks pile up on a future until it completes.
            connection.closeFuture.whenComplete { [self] _ in
                connection.eventLoop.scheduleTask(in: Self.grace) {
                    // Holding the connection until then keeps its identifier from being reused by a new one.
                    withExtendedLifetime(connection) { self.abandonOperations(on: key) }
                }
            }
        }
        defer { state.withLock { _ = $0.operations[key]?.removeValue(forKey: id) } }
        return try await body()
    }

    private func abandonOperations(on key: ObjectIdentifier) {
        let abandoned = state.withLock { $0.operations.removeValue(forKey: key) } ?? [:]
        for operation in abandoned.values {
            operation.abandon()
        }
    }
}

private protocol Abandonable: Sendable {
    func abandon()
}

/// The outcome of one operation, delivered once to the one caller waiting for it.
/// The outcome of an operation that runs in a task of its own, for the one caller that awaits it: the first
/// result delivered wins, so a deadline or an abandonment can answer before the operation does.
final class OperationOutcome<Value: Sendable>: Abandonable {
    private let state = Mutex<(result: Result<Value, any Error>?, continuation: CheckedContinuation<Value, any Error>?, delivered: Bool)>(
        (nil, nil, false)
    )

    /// Delivers `result`, unless a result was delivered before.
    func finish(_ result: Result<Value, any Error>) {
        let continuation: CheckedContinuation<Value, any Error>? = state.withLock { state in
            guard !state.delivered, state.result == nil else { return nil }
            guard let continuation = state.continuation else {
                state.result = result
                return nil
            }
            state.delivered = true
            state.continuation = nil
            return continuation
        }
        continuation?.resume(with: result)
    }

    func abandon() {
        finish(.failure(EventStoreError(.unavailable, "PostgreSQL is unavailable: the connection closed during the operation")))
    }

    /// Waits for the first result delivered.
    func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Value, any Error>? = state.withLock { state in
                guard let result = state.result else {
                    state.continuation = continuation
                    return nil
                }
                state.delivered = true
                return result
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
