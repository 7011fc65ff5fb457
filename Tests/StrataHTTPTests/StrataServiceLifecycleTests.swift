//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging
import ServiceLifecycle
import Strata
import StrataCommandLine
import StrataHTTP
import StrataShopService
import Synchronization
import Testing

@Suite("StrataService as a Service", .timeLimit(.minutes(1)))
struct StrataServiceLifecycleTests {
    @Test("run() in a ServiceGroup of one's own starts the HTTP server, and graceful shutdown ends it")
    func runsInServiceGroup() async throws {
        let store = InMemoryEventStore()
        var http = StrataHTTPConfiguration()
        http.port = 0
        let listening = AsyncStream<Int>.makeStream()
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let service = await StrataService.make(
            try ShopApplication.withDefaultOptions(),
            store: store,
            processManagerStore: store,
            readStore: InMemoryReadStore(),
            http: http,
            logger: logger,
            onListening: { port in listening.continuation.yield(port) }
        )
        let group = ServiceGroup(services: [service], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var ports = listening.stream.makeAsyncIterator()
            let port = try #require(await ports.next())
            #expect(port > 0, "bound to the port the system chose")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
