//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Synchronization

/// Wakes subscribers when new events commit, so that live subscriptions need no polling inside one process.
///
/// A store calls notify() after each commit. A reader takes the generation *before* it reads, and
/// when its read finds nothing new it waits for a later generation: a commit that lands between the read and the
/// wait has already advanced the generation, so no wake-up is ever missed.
public final class AppendSignal: Sendable {
    private enum Waiter {
        case registered
        case waiting(CheckedContinuation<Void, Never>)
        case cancelled
    }

    private struct State {
        var generation: UInt64 = 0
        var nextWaiterID: UInt64 = 0
        var waiters: [UInt64: Waiter] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// The number of notifications so far.
    public var generation: UInt64 {
        state.withLock { $0.generation }
    }

    /// How many waits are parked on a continuation, for tests that must notify only once every waiter sleeps.
    var parkedWaiterCount: Int {
        state.withLock { state in
            state.waiters.values.count { if case .waiting = $0 { true } else { false } }
        }
    }

    /// Records that new events are committed and wakes every waiter.
    public func notify() {
        let ready: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.generation &+= 1
            var ready: [CheckedContinuation<Void, Never>] = []
            for (id, waiter) in state.waiters {
                if case .waiting(let continuation) = waiter {
                    ready.append(continuation)
                    state.waiters[id] = nil
                }
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// Waits until the generation passes `generation`, or the task is cancelled.
    public func wait(after generation: UInt64) async {
        let id = state.withLock { state in
            state.nextWaiterID &+= 1
            state.waiters[state.nextWaiterID] = .registered
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.generation != generation {
                        state.waiters[id] = nil
                        return true
                    }
                    if case .cancelled = state.waiters[id] {
                        state.waiters[id] = nil
                        return true
                    }
                    state.waiters[id] = .waiting(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation: CheckedContinuation<Void, Never>? = state.withLock { state in
                switch state.waiters[id] {
                case .waiting(let continuation):
                    state.waiters[id] = nil
                    return continuation
                case .registered:
                    state.waiters[id] = .cancelled
                    return nil
                case .cancelled, nil:
                    return nil
                }
            }
            continuation?.resume()
        }
    }

    /// Waits until the generation passes `generation`, the timeout elapses on `clock`, or the task is cancelled.
    ///
    /// A timeout lets a subscriber also notice commits made by other processes, which this signal cannot see.
    public func wait(after generation: UInt64, timeout: Duration?, clock: any Clock<Duration> = ContinuousClock()) async {
        guard let timeout else {
            await wait(after: generation)
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait(after: generation) }
            group.addTask { try? await clock.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }
}
