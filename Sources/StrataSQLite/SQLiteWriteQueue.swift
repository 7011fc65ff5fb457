//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import DequeModule
import GRDB
import Strata
import Synchronization
import Tracing

/// Group commit on the writer connection's own queue: callers' writes wait in line, and the writer takes all
/// that wait (up to the batch bound) into one transaction, then the next batch, without handing back to any
/// caller in between.
///
/// Handing the lead to a caller between batches, as GroupCommitQueue does for backends whose writes are async,
/// put three thread wake-ups in sequence between one commit and the next (the leader, the next leader, the
/// writer queue); here the writer queue goes straight on. A lone write still runs at once. After a few batches
/// in a row the writer queues itself again behind any other work on the connection (truncations, snapshots,
/// checkpoints), so that a steady stream of appends cannot starve it.
///
/// Once submitted, a write runs even if the submitting task is cancelled: an append in flight cannot be half
/// taken back. Each batch runs in a `strata.group-commit` span, a child of its oldest write's span, linked to
/// the spans of the others.
final class SQLiteWriteQueue: Sendable {
    private struct Waiter: Sendable {
        let write: SQLiteWrite
        /// The submitter's trace context: the parent of the batch span, or a link from it.
        let context: ServiceContext?
        /// The tracer active where the write was submitted (a task may bind its own): the writer queue runs
        /// outside any task, so a batch is traced by its oldest write's tracer.
        let tracer: any Tracer
        let continuation: UnsafeContinuation<Result<SQLiteWriteResult, any Error>, Never>
    }

    private struct State: ~Copyable {
        var waiting = Deque<Waiter>()
        /// Whether a drain is scheduled on, or running on, the writer queue.
        var draining = false
    }

    /// Batches committed in a row before the writer queues itself again behind other work on the connection.
    private static let batchesPerTurn = 8

    private let state = Mutex(State())
    private let writer: SQLiteAppendWriter
    private let maximumBatchSize: Int
    private let spans: DatabaseSpans

    init(writer: SQLiteAppendWriter, maximumBatchSize: Int, spans: DatabaseSpans) {
        self.writer = writer
        // A bound below one would never take a write: it is read as one.
        self.maximumBatchSize = max(1, maximumBatchSize)
        self.spans = spans
    }

    /// How many writes wait for a batch (for tests).
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Commits `write` in the next batch and returns its outcome.
    func submit(_ write: SQLiteWrite) async throws -> SQLiteWriteResult {
        let context = ServiceContext.current
        let tracer = InstrumentationSystem.tracer
        let outcome = await withUnsafeContinuation { continuation in
            let schedules = state.withLock { state in
                state.waiting.append(Waiter(write: write, context: context, tracer: tracer, continuation: continuation))
                if state.draining { return false }
                state.draining = true
                return true
            }
            if schedules { scheduleDrain() }
        }
        return try outcome.get()
    }

    /// Runs a drain on the writer queue. GRDB runs the callback exactly once, even on a closed database (whose
    /// commits then fail), so every waiter is answered.
    private func scheduleDrain() {
        writer.pool.asyncWriteWithoutTransaction { db in
            self.drain(db)
        }
    }

    /// Commits batches while writes wait, for at most batchesPerTurn batches, then either stops (nothing waits)
    /// or queues itself again.
    private func drain(_ db: Database) {
        for _ in 0..<Self.batchesPerTurn {
            let batch: [Waiter] = state.withLock { state in
                let count = min(state.waiting.count, maximumBatchSize)
                if count == 0 { state.draining = false }
                var batch: [Waiter] = []
                batch.reserveCapacity(count)
                for _ in 0..<count { batch.append(state.waiting.removeFirst()) }
                return batch
            }
            guard let oldest = batch.first else { return }
            let outcomes = oldest.tracer.withSpan("strata.group-commit", context: oldest.context ?? .topLevel, ofKind: .internal) { span in
                spans.describeBatch(span, size: batch.count, linking: batch.dropFirst().lazy.map { $0.context })
                return writer.commit(batch.map { $0.write }, in: db)
            }
            // Every waiter is answered, even if the writer ever gave fewer outcomes than writes: a waiter left
            // unanswered would hang its caller.
            for (index, waiter) in batch.enumerated() {
                let outcome =
                    index < outcomes.count
                    ? outcomes[index] : .failure(EventStoreError(.storage, "the SQLite writer gave no outcome for this write"))
                waiter.continuation.resume(returning: outcome)
            }
        }
        // Still busy after a full turn: let other work on the connection run first.
        let idle = state.withLock { state in
            if state.waiting.isEmpty { state.draining = false }
            return !state.draining
        }
        if !idle { scheduleDrain() }
    }
}
