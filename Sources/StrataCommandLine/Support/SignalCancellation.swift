//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Dispatch
import Foundation

/// Runs `body` until it returns or one of `signals` arrives; a signal cancels `body`, so that the caller can
/// release its resources and exit normally.
///
/// - Returns: The signal that ended `body`, or `nil` when `body` returned by itself.
/// - Throws: What `body` throws before any signal arrives.
func withCancellation(onSignals signals: [Int32], _ body: @escaping @Sendable () async throws -> Void) async throws -> Int32? {
    let (received, continuation) = AsyncStream.makeStream(of: Int32.self)
    // A signal source sees a signal only once its default action (terminating the process) is off.
    for number in signals { signal(number, SIG_IGN) }
    let sources = signals.map { number in
        let source = DispatchSource.makeSignalSource(signal: number)
        source.setEventHandler { continuation.yield(number) }
        source.resume()
        return source
    }
    defer {
        for source in sources { source.cancel() }
        // A second Ctrl-C while shutting down kills the process, as users expect.
        for number in signals { signal(number, SIG_DFL) }
        continuation.finish()
    }
    return try await withThrowingTaskGroup(of: Int32?.self) { group in
        group.addTask {
            try await body()
            return nil
        }
        group.addTask {
            // Ends with nil when cancelled because body returned first.
            for await number in received { return number }
            return nil
        }
        let first = try await group.next() ?? nil
        // Errors body throws once cancelled (such as CancellationError) are not failures: they are discarded.
        group.cancelAll()
        return first
    }
}
