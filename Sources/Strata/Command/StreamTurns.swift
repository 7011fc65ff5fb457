//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import DequeModule
import Synchronization

/// Lets the commands of one process work on a stream one at a time, in the order they arrived.
///
/// Two commands that load the same version of an aggregate cannot both be appended: the second is refused and
/// decided again. When both run in one process they need not race at all; the second waits until the first has
/// appended, then loads what the first left (from the ``AggregateCache``, when the handler has one) and is decided
/// once. Commands from other processes still meet in the store's version check.
final class StreamTurns: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        /// A stream is present while some command has its turn; its waiters in arrival order.
        var lines: [StreamID: Deque<Waiter>] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Runs `body` once no other command of this process works on `stream`; `body` learns whether it had to wait.
    ///
    /// - Throws: CancellationError when the task is cancelled while it waits; anything `body` throws.
    func withTurn<Value>(on stream: StreamID, _ body: (_ waited: Bool) async throws -> Value) async throws -> Value {
        let waited = try await take(stream)
        defer { pass(stream) }
        return try await body(waited)
    }

    /// How many commands wait for their turn on `stream`.
    func waiting(on stream: StreamID) -> Int {
        state.withLock { $0.lines[stream]?.count ?? 0 }
    }

    /// How many streams some command has the turn on.
    var busyStreams: Int {
        state.withLock { $0.lines.count }
    }

    /// Returns whether the turn had to be waited for.
    private func take(_ stream: StreamID) async throws -> Bool {
        let id: UInt64? = state.withLock { state in
            guard state.lines[stream] != nil else {
                state.lines[stream] = []
                return nil
            }
            state.nextID &+= 1
            return state.nextID
        }
        guard let id else { return false }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let ready: Result<Void, any Error>? = state.withLock { state in
                    // Checked under the lock that the cancellation handler takes: a cancellation either came
                    // before this (and is seen here) or finds the waiter in the line.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    guard state.lines[stream] != nil else {
                        state.lines[stream] = []
                        return .success(())
                    }
                    state.lines[stream]?.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let cancelled: CheckedContinuation<Void, any Error>? = state.withLock { state in
                guard let index = state.lines[stream]?.firstIndex(where: { $0.id == id }) else { return nil }
                return state.lines[stream]?.remove(at: index).continuation
            }
            cancelled?.resume(throwing: CancellationError())
        }
        return true
    }

    private func pass(_ stream: StreamID) {
        let next: CheckedContinuation<Void, any Error>? = state.withLock { state in
            guard let first = state.lines[stream]?.popFirst() else {
                state.lines[stream] = nil
                return nil
            }
            return first.continuation
        }
        next?.resume()
    }
}
