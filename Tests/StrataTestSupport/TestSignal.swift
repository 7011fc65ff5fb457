//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Synchronization

/// A one-shot signal: one task raises it, any number of tasks wait for it.
///
/// Lets a test order two tasks ("the commit has started", "the reader holds the lock") by an event instead of
/// by sleeping for long enough. Waiting after the signal was raised returns at once.
public final class TestSignal: Sendable {
    private struct State {
        var isRaised = false
        var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether ``raise()`` was called.
    public var isRaised: Bool { state.withLock { $0.isRaised } }

    /// Raises the signal and resumes every waiter; raising again does nothing.
    public func raise() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            guard !state.isRaised else { return [] }
            state.isRaised = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the signal is raised; throws `CancellationError` if the waiting task is cancelled first.
    public func wait() async throws {
        let id = state.withLock { state -> Int in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Checked under the lock so that a cancellation either sees this waiter or is seen here.
                let outcome = state.withLock { state -> Result<Void, any Error>? in
                    if state.isRaised { return .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }
}

/// Waits until the task is cancelled, then throws `CancellationError`: stands for work that holds on (a lease
/// holder, a subscriber) until the test ends it.
public func waitUntilCancelled() async throws {
    try await TestSignal().wait()
}
