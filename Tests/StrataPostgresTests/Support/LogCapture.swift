//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging
import Synchronization

/// Collects log messages, so that a test can check what the store told an operator.
final class LogCapture: Sendable {
    private let messages = Mutex<[(Logger.Level, String, Logger.Metadata)]>([])

    var logger: Logger {
        Logger(label: "strata.test") { _ in Handler(capture: self) }
    }

    func entries(atLeast level: Logger.Level) -> [(message: String, metadata: Logger.Metadata)] {
        messages.withLock { $0.filter { $0.0 >= level }.map { ($0.1, $0.2) } }
    }

    fileprivate func record(_ level: Logger.Level, _ message: String, _ metadata: Logger.Metadata) {
        messages.withLock { $0.append((level, message, metadata)) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.record(event.level, "\(event.message)", metadata.merging(event.metadata ?? [:]) { $1 })
        }
    }
}
