//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import DequeModule
import Synchronization

/// A lock held across suspension points, granted in request order, for transactions that span `await`s.
///
/// Waiting is not cancellable: a holder releases it within one transaction, and a waiter that gave up
/// would have to tell the next waiter anyway.
package final class AsyncLock: Sendable {
    private struct State {
        var locked = false
        var waiters = Deque<CheckedContinuation<Void, Never>>()
    }

    private let state = Mutex(State())

    package init() {}

    /// Runs `body` holding the lock.
    package func withLock<T>(_ body: () async throws -> T) async rethrows -> T {
        await lock()
        defer { unlock() }
        return try await body()
    }

    private func lock() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { state in
                if state.locked {
                    state.waiters.append(continuation)
                    return false
                }
                state.locked = true
                return true
            }
            if acquired { continuation.resume() }
        }
    }

    private func unlock() {
        // Ownership passes straight to the next waiter, so nobody can barge in between.
        let next = state.withLock { state in
            if let next = state.waiters.popFirst() { return Optional(next) }
            state.locked = false
            return nil
        }
        next?.resume()
    }
}
