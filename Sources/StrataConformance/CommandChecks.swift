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

enum CommandChecks {
    static let all: [EventStoreConformanceCheck] = [
        EventStoreConformanceCheck("a command handler loads, decides and appends, carrying correlation and causation", handleCommands),
        EventStoreConformanceCheck("concurrent commands on one aggregate all succeed through conflict retries", concurrentCommands),
        EventStoreConformanceCheck(
            "concurrent commands on one aggregate through one handler take turns, each at its first attempt",
            commandsTakeTurns
        ),
        EventStoreConformanceCheck("a conditional command with a stale version is rejected without retrying", conditionalCommand),
        EventStoreConformanceCheck("a cached aggregate never decides an outcome when another writer has moved the stream on", cachedAggregates),
        EventStoreConformanceCheck("a command's trace context is stored with its events and read back, for later work to join", traceContext),
    ]

    static func handleCommands(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let accounts = CommandHandler(store: store, decider: TestAccount())
            let stream = uniqueStream("account")
            let metadata = CommandMetadata(correlationID: "request-7", custom: ["user": "ada"])
            let opened = try await accounts.handle(.open(owner: "Ada"), on: stream, metadata: metadata)
            #expect(opened.streamVersion == 0)
            #expect(opened.attempts == 1)
            let deposited = try await accounts.handle(.deposit(amount: 30), on: stream)
            #expect(deposited.streamVersion == 1)
            #expect(deposited.position == (try await store.headPosition()))

            let error = await #expect(throws: DomainError.self) { try await accounts.handle(.deposit(amount: 0), on: stream) }
            #expect(error?.code == "non-positive")
            let unchanged = try await accounts.handle(.touch, on: stream)
            #expect(unchanged.events.isEmpty)
            #expect(unchanged.streamVersion == 1)
            #expect(unchanged.position == deposited.position)

            let loaded = try await accounts.load(stream)
            #expect(loaded.state.owner == "Ada")
            #expect(loaded.state.balance == 30)
            #expect(loaded.version == 1)

            let recorded = try await store.readStream(stream)
            #expect(recorded.map(\.type) == ["AccountOpened", "AccountDeposited"])
            #expect(recorded[0].metadata.correlationID == "request-7")
            #expect(recorded[0].metadata.causationID == metadata.commandID.lowercasedString)
            #expect(recorded[0].metadata.custom == ["user": "ada"])
            #expect(recorded[1].metadata.correlationID != nil)
            #expect(recorded[1].metadata.correlationID == recorded[1].metadata.causationID, "a command with no correlation starts its own")
        }
    }

    static func traceContext(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let tracer = InMemoryTracer()
            let stream = uniqueStream("account")
            try await withTracer(tracer) {
                try await withSpan("request") { _ in
                    _ = try await CommandHandler(store: store, decider: TestAccount()).handle(.open(owner: "Ada"), on: stream)
                }
            }
            let command = try #require(tracer.finishedSpans.first { $0.operationName == "strata.command" })
            let recorded = try #require(try await store.readStream(stream).first)
            #expect(recorded.metadata.custom[InMemoryTracer.traceIDKey] == command.traceID)
            #expect(recorded.metadata.custom[InMemoryTracer.spanIDKey] == command.spanID)
            // Read back, the fields give the tracer the command's span as the parent of what comes next.
            let extracted = withTracer(tracer) { TraceContext.extract(from: recorded.metadata) }
            #expect(extracted?.inMemorySpanContext?.traceID == command.traceID)
            #expect(extracted?.inMemorySpanContext?.spanID == command.spanID)

            // The append is the command's child, and the group commit that carried it the append's.
            let appends = tracer.finishedSpans.filter { $0.operationName == "strata.append" }
            guard let system = backend.databaseSystem else {
                #expect(appends.isEmpty, "a store with no database traces no appends")
                return
            }
            let append = try #require(appends.first)
            #expect(appends.count == 1)
            #expect(append.parentSpanID == command.spanID)
            #expect(append.kind == .client)
            #expect(append.attributes["db.system.name"]?.toSpanAttribute() == .string(system))
            #expect(append.attributes["db.operation.name"]?.toSpanAttribute() == .string("append"))
            #expect(append.attributes["strata.stream"]?.toSpanAttribute() == .string(stream.rawValue))
            #expect(append.attributes["strata.append.events"]?.toSpanAttribute() == .int64(1))
            let batch = try #require(tracer.finishedSpans.first { $0.operationName == "strata.group-commit" })
            #expect(batch.parentSpanID == append.spanID)
            #expect(batch.attributes["db.system.name"]?.toSpanAttribute() == .string(system))
            #expect(batch.attributes["db.operation.batch.size"]?.toSpanAttribute() == .int64(1))
        }
    }

    static func concurrentCommands(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            // Racing, as commands from several processes do, so that the store's version check decides.
            let accounts = CommandHandler(store: store, decider: TestAccount(), maximumAttempts: 50, serializesCommandsPerStream: false)
            let stream = uniqueStream("account")
            let results = try await openAndDepositAtOnce(accounts, on: stream)
            #expect(Set(results.compactMap(\.streamVersion)) == Set((1...10).map { StreamVersion(UInt64($0)) }))
            #expect(try await accounts.load(stream).state.balance == 55)
            #expect(try await store.readStream(stream).count == 11)
        }
    }

    static func commandsTakeTurns(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let accounts = CommandHandler(store: store, decider: TestAccount(), maximumAttempts: 1)
            let stream = uniqueStream("account")
            let results = try await openAndDepositAtOnce(accounts, on: stream)
            #expect(results.allSatisfy { $0.attempts == 1 })
            #expect(Set(results.compactMap(\.streamVersion)) == Set((1...10).map { StreamVersion(UInt64($0)) }))
            #expect(try await accounts.load(stream).state.balance == 55)
        }
    }

    /// Opens an account, then deposits 1 to 10 on it from ten tasks at once; the deposits' results.
    private static func openAndDepositAtOnce(
        _ accounts: CommandHandler<TestAccount>,
        on stream: StreamID
    ) async throws -> [CommandResult<any DomainEvent>] {
        _ = try await accounts.handle(.open(owner: "Grace"), on: stream)
        return try await withThrowingTaskGroup(of: CommandResult<any DomainEvent>.self) { group in
            for amount in 1...10 {
                group.addTask { try await accounts.handle(.deposit(amount: amount), on: stream) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    static func conditionalCommand(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let accounts = CommandHandler(store: store, decider: TestAccount())
            let stream = uniqueStream("account")
            _ = try await accounts.handle(.open(owner: "Ada"), on: stream)
            _ = try await accounts.handle(.deposit(amount: 5), on: stream, expectedVersion: 0)
            let error = await #expect(throws: WrongExpectedVersion.self) {
                try await accounts.handle(.deposit(amount: 5), on: stream, expectedVersion: 0)
            }
            #expect(error?.actual == 1)
            #expect(try await accounts.load(stream).state.balance == 5)
        }
    }

    static func cachedAggregates(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let cache = AggregateCache<TestAccount.State>(capacity: 10)
            let cached = CommandHandler(store: store, decider: TestAccount(), cache: cache)
            let other = CommandHandler(store: store, decider: TestAccount())
            let stream = uniqueStream("account")

            // The cache remembers an account that is not open; another writer opens it.
            await #expect(throws: DomainError.self) { try await cached.handle(.deposit(amount: 10), on: stream) }
            _ = try await other.handle(.open(owner: "Ada"), on: stream)
            // A rejection from the cache is checked against the stream, and the command decided again.
            let first = try await cached.handle(.deposit(amount: 10), on: stream)
            #expect(first.streamVersion == 1)
            #expect(cache.aggregate(of: stream)?.version == 1)
            #expect(cache.aggregate(of: stream)?.state.balance == 10)

            // A stale cached version makes the append conflict, and the retry decides from the stream.
            _ = try await other.handle(.deposit(amount: 5), on: stream)
            let second = try await cached.handle(.deposit(amount: 1), on: stream)
            #expect(second.streamVersion == 3)
            #expect(second.attempts == 2)
            #expect(cache.aggregate(of: stream)?.state.balance == 16)

            // "No change" from a stale entry reports the stream's real version.
            _ = try await other.handle(.deposit(amount: 7), on: stream)
            #expect(try await cached.handle(.touch, on: stream).streamVersion == 4)

            // A conditional command is judged by the stream, not by a stale entry.
            _ = try await other.handle(.deposit(amount: 2), on: stream)
            let conditional = try await cached.handle(.deposit(amount: 3), on: stream, expectedVersion: 5)
            #expect(conditional.streamVersion == 6)
            #expect(cache.aggregate(of: stream)?.state.balance == 28)
            #expect(try await other.load(stream).state.balance == 28)

            // A deleted stream is judged as an uncached handler would judge it, not by what the cache held.
            try await store.deleteStream(stream, expecting: .any)
            let deleted = await #expect(throws: EventStoreError.self) { try await cached.handle(.open(owner: "Bob"), on: stream) }
            #expect(deleted?.code == .streamDeleted)
        }
    }
}
