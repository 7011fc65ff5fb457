//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging
import Synchronization

/// Collects log messages, so that a check can show what Strata told an operator.
public final class LogRecorder: Sendable {
    private let messages = Mutex<[(level: Logger.Level, message: String, metadata: Logger.Metadata)]>([])

    public init() {}

    /// A logger whose messages, at every level, this recorder keeps.
    public var logger: Logger {
        Logger(label: "strata.conformance") { _ in Handler(recorder: self) }
    }

    /// The messages logged at `level` or above, in order.
    public func messages(atLeast level: Logger.Level) -> [String] {
        entries(atLeast: level).map(\.message)
    }

    /// The messages logged at `level` or above, in order, each with its metadata (the logger's and the call's).
    public func entries(atLeast level: Logger.Level) -> [(message: String, metadata: Logger.Metadata)] {
        messages.withLock { $0.filter { $0.level >= level }.map { ($0.message, $0.metadata) } }
    }

    fileprivate func record(_ level: Logger.Level, _ message: String, _ metadata: Logger.Metadata) {
        messages.withLock { $0.append((level, message, metadata)) }
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.record(event.level, "\(event.message)", metadata.merging(event.metadata ?? [:]) { $1 })
        }
    }
}
