//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import HTTPTypes
import Hummingbird
import InMemoryTracing
import Strata
import Testing
import Tracing

@Suite("Tracing over HTTP", .timeLimit(.minutes(2)))
struct TracingRouteTests {
    @Test("a request continues the caller's trace: server span, then the command's span, and the trace stored with the events")
    func requestContinuesTheTrace() async throws {
        let tracer = InMemoryTracer()
        try await withTracer(tracer) {
            try await ShopHarness().run { shop in
                // The caller's trace context, in the headers of the instrument in use.
                let headers: HTTPFields = [
                    HTTPField.Name(InMemoryTracer.traceIDKey)!: "caller-trace",
                    HTTPField.Name(InMemoryTracer.spanIDKey)!: "caller-span",
                ]
                let reply = try await shop.send(.post, "/customers", json: #"{"name":"Ada","email":"ada@example.com"}"#, headers: headers)
                #expect(reply.status == .created, "\(reply.text)")
                let customer = try #require(reply.string("id"))
                let events = try await shop.events.base.readStream(try StreamID("customer-\(customer)"))
                #expect(events.first?.metadata.custom[InMemoryTracer.traceIDKey] == "caller-trace")
            }
        }
        let server = try #require(tracer.finishedSpans.first { $0.kind == .server && $0.operationName == "/customers" })
        #expect(server.traceID == "caller-trace")
        #expect(server.parentSpanID == "caller-span")
        #expect(server.attributes["http.response.status_code"]?.toSpanAttribute() == .int64(201))
        let commands = tracer.finishedSpans.filter { $0.operationName == "strata.command" && $0.traceID == "caller-trace" }
        #expect(!commands.isEmpty)
        #expect(commands.allSatisfy { $0.parentSpanID == server.spanID })
    }
}
