//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import InMemoryTracing
import Strata
import StrataTestSupport
import Synchronization
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

private struct NoteTotal: Query {
    var projections: [String] { ["note-count"] }
    func run(on reader: ReadModelReader) async throws -> Int? {
        try await reader.documents("counts", of: "note-count", as: Int.self).get("notes-1")
    }
}

/// Answers each note in the `notes` category with an echo in `echoes-<stream>`.
private struct Echo: ProcessManager {
    let name = "echo"
    let codec = EventRegistry(Noted.self)
    var filter: EventFilter { .category("notes") }
    let initialState = 0

    func processID(for event: any DomainEvent, recorded: RecordedEvent) -> String? { recorded.stream.rawValue }
    func evolve(_ state: Int, event: any DomainEvent) -> Int { state + 1 }
    func react(to event: any DomainEvent, state: Int, recorded: RecordedEvent) -> [ProcessAction<String>] {
        [.send("echo of \(recorded.stream)")]
    }
}

/// An in-memory store where another writer appends to a stream just before the first append to it, so that the
/// command making that append meets a version conflict and retries.
private final class InterleavedStore: ForwardingEventStore {
    let base = InMemoryEventStore()
    let interfered = Mutex(false)

    func append(_ events: [NewEvent], to stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        if interfered.withLock({ done in
            defer { done = true }
            return !done
        }) {
            _ = try await base.append([NewEvent(type: "Noted", data: Data(#"{"text":"elsewhere"}"#.utf8))], to: stream, expecting: .any)
        }
        return try await base.append(events, to: stream, expecting: expected)
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

    @Test("a group-commit batch is traced as a child of its leader, linked to the other requests it carries")
    func groupCommitSpan() async throws {
        let tracer = InMemoryTracer()
        let executing = TestSignal()
        let release = TestSignal()
        let calls = Mutex(0)
        let queue = GroupCommitQueue<Int, Int>(maximumBatchSize: 8, spans: DatabaseSpans(system: "sqlite", namespace: "events.sqlite")) {
            batch in
            if calls.withLock({ calls in
                calls += 1
                return calls
            }) == 1 {
                executing.raise()
                try await release.wait()
            }
            return batch.map { .success($0) }
        }
        try await withTracer(tracer) {
            let leader = Task { try await withSpan("first") { _ in try await queue.submit(1) } }
            try await executing.wait()
            // Two more requests queue behind the first batch, and share the next one.
            let followers = (2...3).map { n in Task { try await withSpan("request-\(n)") { _ in try await queue.submit(n) } } }
            try await Task.sleep(for: .milliseconds(200))
            release.raise()
            #expect(try await leader.value == 1)
            for (n, follower) in zip(2..., followers) { #expect(try await follower.value == n) }
        }
        let requests = Dictionary(
            tracer.finishedSpans.filter { $0.operationName.hasPrefix("request-") || $0.operationName == "first" }.map { ($0.spanID, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        let batches = tracer.finishedSpans.filter { $0.operationName == "strata.group-commit" }
        #expect(batches.count == 2)
        for batch in batches {
            let leader = try #require(requests[batch.parentSpanID ?? ""], "a batch is the child of the request that led it")
            let size = try #require(batch.attributes["db.operation.batch.size"]?.toSpanAttribute())
            #expect(batch.attributes["db.system.name"]?.toSpanAttribute() == .string("sqlite"))
            #expect(batch.attributes["db.namespace"]?.toSpanAttribute() == .string("events.sqlite"))
            let linked = batch.links.compactMap { $0.context.inMemorySpanContext?.spanID }
            #expect(!linked.contains(leader.spanID))
            #expect(linked.allSatisfy { requests[$0] != nil })
            #expect(.int64(Int64(linked.count + 1)) == size, "every request but the leader's is linked")
        }
        #expect(batches.map { $0.links.count }.sorted() == [0, 1], "the second batch carries two requests")
    }

    @Test("a command that meets a version conflict records it as an event on its span, and succeeds on the retry")
    func conflictEvent() async throws {
        let tracer = InMemoryTracer()
        let store = InterleavedStore()
        let result = try await withTracer(tracer) {
            try await CommandHandler(store: store, decider: Notebook()).handle("mine", on: "notes-1")
        }
        #expect(result.streamVersion == 1, "the retry appends after the other writer's event")
        let command = try #require(tracer.finishedSpans.first { $0.operationName == "strata.command" })
        #expect(command.events.map(\.name) == ["strata.command.conflict"])
        #expect(try await store.readStream("notes-1").count == 2)
    }

    @Test("without a tracer, events carry no trace fields")
    func noTracer() async throws {
        let store = InMemoryEventStore()
        _ = try await CommandHandler(store: store, decider: Notebook()).handle("first", on: "notes-1")
        let event = try #require(try await store.readStream("notes-1").first)
        #expect(event.metadata.custom.isEmpty)
    }

    @Test("a process manager reacting to a traced event joins its trace, and so do the command it sends and that command's events")
    func processManagerJoinsTheTrace() async throws {
        let tracer = InMemoryTracer()
        let store = InMemoryEventStore()
        try await withTracer(tracer) {
            _ = try await CommandHandler(store: store, decider: Notebook()).handle("traced", on: "notes-1")
            let echoes = CommandHandler(store: store, decider: Notebook())
            let runner = ProcessManagerRunner(Echo(), store: store, storage: store) { command, context in
                _ = try await echoes.handle(command, on: "echoes-notes-1", metadata: context.metadata, idempotencyKey: context.idempotencyKey)
            }
            let task = Task { try await runner.run() }
            defer { task.cancel() }
            try await eventually("the echo", within: .seconds(20)) { try await store.currentVersion(of: "echoes-notes-1") != nil }
        }
        let commands = tracer.finishedSpans.filter { $0.operationName == "strata.command" }
        let first = try #require(commands.first { $0.attributes["strata.stream"]?.toSpanAttribute() == .string("notes-1") })
        let echo = try #require(commands.first { $0.attributes["strata.stream"]?.toSpanAttribute() == .string("echoes-notes-1") })
        let react = try #require(tracer.finishedSpans.first { $0.operationName == "strata.process-manager.react" })
        #expect(react.traceID == first.traceID)
        #expect(react.parentSpanID == first.spanID)
        #expect(react.attributes["strata.process-manager"]?.toSpanAttribute() == .string("echo"))
        #expect(echo.traceID == first.traceID)
        #expect(echo.parentSpanID == react.spanID)
        let echoed = try #require(try await store.readStream("echoes-notes-1").first)
        #expect(echoed.metadata.custom[InMemoryTracer.traceIDKey] == first.traceID)
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
            let head = try await store.headPosition()
            try await runner.progress.wait(for: ["note-count"], through: head, timeout: .seconds(20))
            // A read-your-writes query is a span of its own, with the position it waited for.
            let total = try await QueryHandler(readStore: readStore, progress: runner.progress).ask(NoteTotal(), minimumPosition: head)
            #expect(total == 1)
        }
        let query = try #require(tracer.finishedSpans.first { $0.operationName == "strata.query" })
        #expect(query.attributes["strata.query"]?.toSpanAttribute() == .string("NoteTotal"))
        #expect(query.attributes["strata.min-position"]?.toSpanAttribute() == .int64(2))
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
