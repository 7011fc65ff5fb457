//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import InMemoryTracing
import Strata
import Testing
import Tracing

private struct Noted: DomainEvent {
    static let eventType = "Noted"
    var text: String
}

private struct Notebook: Decider {
    let initialState = 0
    let codec = EventRegistry(Noted.self)

    func decide(_ command: String, state: Int) throws -> [any DomainEvent] { [Noted(text: command)] }
    func evolve(_ state: Int, event: any DomainEvent) -> Int { state + 1 }
}

private struct NoteCount: EventProjection {
    let name = "note-count"
    let codec = EventRegistry(Noted.self)
    var schema: ReadModelSchema { ReadModelSchema(collections: [DocumentCollection("counts")]) }

    func apply(_ event: any DomainEvent, recorded: RecordedEvent, in context: ProjectionContext) async throws {
        try await context.documents("counts", as: Int.self).update(recorded.stream.rawValue, default: 0) { $0 += 1 }
    }
}

@Suite("Tracing across the log", .timeLimit(.minutes(2)))
struct TracingTests {
    @Test("a command's span is a child of the caller's, and the events it appends carry its trace context")
    func commandSpan() async throws {
        let tracer = InMemoryTracer()
        let store = InMemoryEventStore()
        try await withTracer(tracer) {
            try await withSpan("request") { _ in
                _ = try await CommandHandler(store: store, decider: Notebook()).handle("first", on: "notes-1")
            }
        }
        let request = try #require(tracer.finishedSpans.first { $0.operationName == "request" })
        let command = try #require(tracer.finishedSpans.first { $0.operationName == "strata.command" })
        #expect(command.parentSpanID == request.spanID)
        #expect(command.traceID == request.traceID)
        #expect(command.attributes["strata.stream"]?.toSpanAttribute() == .string("notes-1"))
        #expect(command.attributes["strata.command.events"]?.toSpanAttribute() == .int64(1))

        let event = try #require(try await store.readStream("notes-1").first)
        #expect(event.metadata.custom[InMemoryTracer.traceIDKey] == command.traceID)
        #expect(event.metadata.custom[InMemoryTracer.spanIDKey] == command.spanID)
    }

    @Test("without a tracer, events carry no trace fields")
    func noTracer() async throws {
        let store = InMemoryEventStore()
        _ = try await CommandHandler(store: store, decider: Notebook()).handle("first", on: "notes-1")
        let event = try #require(try await store.readStream("notes-1").first)
        #expect(event.metadata.custom.isEmpty)
    }

    @Test("a projection that applies a traced event joins the command's trace, linked to its batch's span")
    func projectionJoinsTheTrace() async throws {
        let tracer = InMemoryTracer()
        let store = InMemoryEventStore()
        let readStore = InMemoryReadStore()
        try await withTracer(tracer) {
            _ = try await CommandHandler(store: store, decider: Notebook()).handle("traced", on: "notes-1")
            // An event appended outside any command carries no trace: applying it starts no span of its own.
            _ = try await store.append([try EventRegistry(Noted.self).newEvent(Noted(text: "plain"))], to: "notes-2", expecting: .any)
            let runner = ProjectionRunner(store: store, readStore: readStore, projections: [NoteCount()])
            let task = Task { try await runner.run() }
            defer { task.cancel() }
            try await runner.progress.wait(for: ["note-count"], through: try await store.headPosition(), timeout: .seconds(20))
        }
        let command = try #require(tracer.finishedSpans.first { $0.operationName == "strata.command" })
        let applied = tracer.finishedSpans.filter { $0.operationName == "strata.projection.apply" }
        #expect(applied.count == 1)
        let apply = try #require(applied.first)
        #expect(apply.traceID == command.traceID)
        #expect(apply.parentSpanID == command.spanID)
        #expect(apply.attributes["strata.projection"]?.toSpanAttribute() == .string("note-count"))
        let batch = try #require(tracer.finishedSpans.first { $0.operationName == "strata.projection.batch" })
        #expect(batch.attributes["strata.batch.events"]?.toSpanAttribute() == .int64(2))
        #expect(apply.links.map { $0.context.inMemorySpanContext?.spanID } == [batch.spanID])
    }
}
