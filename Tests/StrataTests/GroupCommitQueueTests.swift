//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata
import StrataTestSupport
import Synchronization
import Testing

private struct Rejected: Error, Equatable {
    var value: Int
}

@Suite("Group commit queue", .timeLimit(.minutes(5)))
struct GroupCommitQueueTests {
    @Test("a lone request runs at once in a batch of one")
    func loneRequest() async throws {
        let batches = Mutex<[[Int]]>([])
        let queue = GroupCommitQueue<Int, Int>(maximumBatchSize: 8) { batch in
            batches.withLock { $0.append(batch) }
            return batch.map { .success($0 * 2) }
        }
        #expect(try await queue.submit(21) == 42)
        #expect(batches.withLock { $0 } == [[21]])
    }

    @Test("concurrent requests share batches, every request runs once, and each gets its own outcome")
    func coalescing() async throws {
        let batches = Mutex<[[Int]]>([])
        let queue = GroupCommitQueue<Int, Int>(maximumBatchSize: 16) { batch in
            batches.withLock { $0.append(batch) }
            // A slow commit, so that requests pile up behind it. Sleeping stands for the disk flush: the queue has
            // no signal for "everyone has queued", and sharing batches is what the test measures.
            try await Task.sleep(for: .milliseconds(20))
            return batch.map { $0 % 3 == 0 ? .failure(Rejected(value: $0)) : .success($0) }
        }
        let outcomes = await withTaskGroup(of: (Int, Result<Int, Rejected>).self) { group in
            for n in 0..<100 {
                group.addTask {
                    do {
                        return (n, .success(try await queue.submit(n)))
                    } catch {
                        return (n, .failure(error as! Rejected))
                    }
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        for n in 0..<100 {
            #expect(outcomes[n] == (n % 3 == 0 ? .failure(Rejected(value: n)) : .success(n)))
        }
        let recorded = batches.withLock { $0 }
        #expect(recorded.flatMap { $0 }.sorted() == Array(0..<100), "every request executes exactly once")
        #expect(recorded.count < 100, "concurrent requests must share batches")
        #expect(recorded.allSatisfy { $0.count <= 16 })
    }

    @Test("when the executor throws, every request of that batch fails and later batches still run")
    func executorFailure() async throws {
        let calls = Mutex(0)
        let queue = GroupCommitQueue<Int, Int>(maximumBatchSize: 4) { batch in
            let call = calls.withLock { calls in
                calls += 1
                return calls
            }
            if call == 1 { throw Rejected(value: -1) }
            return batch.map { .success($0) }
        }
        await #expect(throws: Rejected(value: -1)) { try await queue.submit(1) }
        #expect(try await queue.submit(2) == 2)
    }

    @Test("a request submitted by a task that is then cancelled still completes")
    func cancelledSubmitter() async throws {
        let executed = Mutex<[Int]>([])
        let executing = TestSignal()
        let queue = GroupCommitQueue<Int, Int>(maximumBatchSize: 4) { batch in
            executing.raise()
            // Ends early when the submitter (who leads this batch) is cancelled, as a cancelled I/O call would.
            try? await TestSignal().wait()
            executed.withLock { $0.append(contentsOf: batch) }
            return batch.map { .success($0) }
        }
        let task = Task { try await queue.submit(7) }
        try await executing.wait()
        task.cancel()
        #expect(try await task.value == 7)
        #expect(executed.withLock { $0 } == [7])
    }
}
