//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging
import Synchronization
import Testing

@testable import StrataCommandLine

@Suite("the service's log lines")
struct LazyMetadataLogHandlerTests {
    /// Keeps what the stream handler writes.
    final class Lines: TextOutputStream, Sendable {
        let text = Mutex("")
        func write(_ string: String) { text.withLock { $0 += string } }
    }

    @Test("a line carries the logger's metadata, overridden by the provider's and then by its own")
    func mergedMetadata() {
        let lines = Lines()
        let provider = Logger.MetadataProvider { ["node": "provided", "trace": "t1"] }
        var handler = LazyMetadataLogHandler(
            stream: StreamLogHandler(label: "strata", stream: lines, metadataProvider: provider))
        handler.logLevel = .debug
        var logger = Logger(label: "strata") { _ in handler }
        logger[metadataKey: "request"] = "r1"
        logger[metadataKey: "node"] = "own"
        logger[metadataKey: "route"] = "/orders"
        logger.debug("answered", metadata: ["route": "/orders/{id}"])
        let line = lines.text.withLock { $0 }
        #expect(line.contains("debug strata: node=provided request=r1 route=/orders/{id} trace=t1 [StrataCLITests] answered"))
    }

    @Test("the level is the stream handler's, and a line without metadata has none")
    func levelAndBareLine() {
        let lines = Lines()
        var handler = LazyMetadataLogHandler(stream: StreamLogHandler(label: "strata", stream: lines, metadataProvider: nil))
        handler.logLevel = .warning
        let logger = Logger(label: "strata") { _ in handler }
        logger.info("hidden")
        logger.warning("shown")
        let line = lines.text.withLock { $0 }
        #expect(!line.contains("hidden"))
        #expect(line.contains("warning strata: [StrataCLITests] shown"))
    }
}
