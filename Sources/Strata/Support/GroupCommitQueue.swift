//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import DequeModule
import Synchronization
import Tracing

/// Coalesces concurrent requests into batches, so that many appends share one transaction and one disk flush.
///
/// Callers submit(_:) requests; one caller at a time leads and executes a batch of everything queued, while
/// the others wait for their own outcomes. When a batch finishes, leadership passes to the oldest waiting
/// request, so no caller works on behalf of others for longer than one batch. A lone request runs at once
/// with no added latency. The executor returns one outcome per request, so one failing request does not
/// fail its neighbours; if the executor throws (for example, the commit fails), every request of the batch
/// fails with that error.
///
/// Once submitted, a request runs even if the submitting task is cancelled: an append in flight cannot be
/// half taken back.
///
/// With `spans`, each batch runs inside a `strata.group-commit` span with its size: a child of the leader's
/// current span, linked to the spans of the other requests it carries.
public final class GroupCommitQueue<Request: Sendable, Response: Sendable>: Sendable {
    /// Executes one batch, returning one outcome per request in the same order.
    public typealias Executor = @Sendable ([Request]) async throws -> [Result<Response, any Error>]

    private enum Outcome: Sendable {
        case finished(Result<Response, any Error>)
        case lead
    }

    private final class Slot: Sendable {
        let request: Request
        /// The submitter's trace context, linked from the span of the batch that carries the request.
        let context: ServiceContext?
        private let state = Mutex<(outcome: Outcome?, continuation: CheckedContinuation<Outcome, Never>?)>((nil, nil))

        init(_ request: Request, context: ServiceContext?) {
            self.request = request
            self.context = context
        }

        func fulfil(_ outcome: Outcome) {
            let continuation = state.withLock { state in
                if let continuation = state.continuation {
                    state.continuation = nil
                    return Optional(continuation)
                }
                state.outcome = outcome
                return nil
            }
            continuation?.resume(returning: outcome)
        }

        func wait() async -> Outcome {
            await withCheckedContinuation { continuation in
                let ready: Outcome? = state.withLock { state in
                    if let outcome = state.outcome {
                        state.outcome = nil
                        return outcome
                    }
                    state.continuation = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }

    private struct State {
        var pending = Deque<Slot>()
        var leaderActive = false
    }

    private let state = Mutex(State())
    private let maximumBatchSize: Int
    private let spans: DatabaseSpans?
    private let execute: Executor

    /// Creates a queue.
    ///
    /// - Parameters:
    ///   - maximumBatchSize: The most requests executed in one batch.
    ///   - spans: The database that batches are traced as running in, or `nil` to trace nothing.
    ///   - execute: Executes one batch.
    public init(maximumBatchSize: Int, spans: DatabaseSpans? = nil, execute: @escaping Executor) {
        precondition(maximumBatchSize > 0)
        self.maximumBatchSize = maximumBatchSize
        self.spans = spans
        self.execute = execute
    }

    /// Runs `request` in the next batch and returns its outcome.
    public func submit(_ request: Request) async throws -> Response {
        let slot = Slot(request, context: spans == nil ? nil : ServiceContext.current)
        let leads = state.withLock { state in
            state.pending.append(slot)
            if state.leaderActive { return false }
            state.leaderActive = true
            return true
        }
        if !leads, case .finished(let result) = await slot.wait() {
            return try result.get()
        }
        // Leading: the oldest pending request is the leader's own, so its batch carries it.
        return try await runBatch(ledBy: slot).get()
    }

    /// Executes the oldest queued requests (the leader's own among them), hands leadership on, and returns the
    /// leader's own outcome (taken here rather than through its slot, which would suspend once more).
    private func runBatch(ledBy leader: Slot) async -> Result<Response, any Error> {
        let batch: [Slot] = state.withLock { state in
            // Taken one by one: converting a prefix of the deque goes through unspecialized generic code, which
            // cost more than a lone append's whole hand-off.
            let count = min(state.pending.count, maximumBatchSize)
            var batch: [Slot] = []
            batch.reserveCapacity(count)
            for _ in 0..<count { batch.append(state.pending.removeFirst()) }
            return batch
        }
        let outcomes: [Result<Response, any Error>]
        if let spans {
            outcomes = await withSpan("strata.group-commit", ofKind: .internal) { span in
                spans.describeBatch(span, size: batch.count, linking: batch.lazy.filter { $0 !== leader }.map { $0.context })
                return await executeBatch(batch)
            }
        } else {
            outcomes = await executeBatch(batch)
        }
        let nextLeader: Slot? = state.withLock { state in
            guard let next = state.pending.first else {
                state.leaderActive = false
                return nil
            }
            return next
        }
        var own: Result<Response, any Error>?
        for (slot, outcome) in zip(batch, outcomes) {
            if slot === leader {
                own = outcome
            } else {
                slot.fulfil(.finished(outcome))
            }
        }
        nextLeader?.fulfil(.lead)
        guard let own else { preconditionFailure("a group commit leader's request was not in its own batch") }
        return own
    }

    private func executeBatch(_ batch: [Slot]) async -> [Result<Response, any Error>] {
        do {
            // A closure, not a key path: in generic code a key path is instantiated at run time on every call.
            let outcomes = try await execute(batch.map { $0.request })
            precondition(outcomes.count == batch.count, "a group commit executor must return one outcome per request")
            return outcomes
        } catch {
            return Array(repeating: .failure(error), count: batch.count)
        }
    }
}
