//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Synchronization
import Testing

enum ProcessManagerChecks {
    static let all: [EventStoreConformanceCheck] = [
        EventStoreConformanceCheck("a process manager issues its commands once, with correlation and causation flowing through", issuesCommands),
        EventStoreConformanceCheck("a process manager replayed after a crash rebuilds its state and issues nothing twice", crashReplay),
        EventStoreConformanceCheck("a restarted runner folds a process's state from its journal", stateFromJournal),
        EventStoreConformanceCheck("a deadline that fell due while no runner was up fires once after restart; a cancelled one never", deadlines),
    ]

    static func issuesCommands(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let bonus = try BonusFixture(store)
            try await bonus.running {
                let stream = uniqueStream("account")
                _ = try await bonus.accounts.handle(.open(owner: "Ada"), on: stream, metadata: CommandMetadata(correlationID: "request-1"))
                try await bonus.waitForBalance(100, of: stream)
                let events = try await store.readStream(stream)
                #expect(events.count == 2)
                #expect(events[1].metadata.correlationID == "request-1", "the bonus shares the request's correlation")
                #expect(events[1].metadata.causationID == events[0].id.lowercasedString, "the bonus is caused by the opening")
            }
        }
    }

    static func crashReplay(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let processes = try #require(store as? any ProcessManagerStore)
            // A runner that crashes before every checkpoint: each restart hands it every event again.
            let crashing = try BonusFixture(store, storage: ForgetfulCheckpoints(base: processes))
            let stream = uniqueStream("account")
            try await crashing.running {
                _ = try await crashing.accounts.handle(.open(owner: "Ada"), on: stream)
                try await crashing.waitForBalance(100, of: stream)
                _ = try await crashing.accounts.handle(.deposit(amount: 5), on: stream)
                // Bonus, 5, then a third deposit earns the loyalty bonus: the state counts deposits.
                _ = try await crashing.accounts.handle(.deposit(amount: 6), on: stream)
                try await crashing.waitForBalance(1111, of: stream)
            }
            #expect(crashing.log.messages(atLeast: .error).isEmpty, "the first runner failed: \(crashing.log.messages(atLeast: .error))")
            let history = try await store.readStream(stream)
            let eventsBefore = history.count
            let last = try #require(history.last).position
            for _ in 0..<2 {
                let storage = ForgetfulCheckpoints(base: processes)
                let restarted = try BonusFixture(store, storage: storage)
                try await restarted.running {
                    // The journal cannot tell (its entries take their ids from the events, so it is complete before
                    // the replay starts). A checkpoint is saved only once an event is handled, commands and all:
                    // one at the last account event shows the replay went all the way.
                    try await restarted.poll("the replay to reach \(last)") { storage.lastSaved.map { $0 >= last } ?? false }
                }
                let failures = restarted.log.messages(atLeast: .error)
                #expect(failures.isEmpty, "the replaying runner failed: \(failures)")
            }
            #expect(try await store.readStream(stream).count == eventsBefore, "a replay issued a command again")
            #expect(try await crashing.accounts.load(stream).state.balance == 1111)
        }
    }

    static func stateFromJournal(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let stream = uniqueStream("account")
            let first = try BonusFixture(store)
            try await first.running {
                _ = try await first.accounts.handle(.open(owner: "Ada"), on: stream)
                try await first.waitForBalance(100, of: stream)
                _ = try await first.accounts.handle(.deposit(amount: 5), on: stream)
                try await first.waitUntilJournalled(stream, entries: 3)
            }
            // A new runner has nothing in memory: only a state folded from the journal (two deposits so far)
            // knows that the next deposit is the third, which earns the loyalty bonus.
            let restarted = try BonusFixture(store)
            try await restarted.running {
                _ = try await restarted.accounts.handle(.deposit(amount: 6), on: stream)
                try await restarted.waitForBalance(1111, of: stream)
            }
            #expect(try await store.readStream(stream).count == 5)
        }
    }

    static func deadlines(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let processes = try #require(store as? any ProcessManagerStore)
            let reminded = uniqueStream("account")
            let cancelled = uniqueStream("account")
            // The first runner goes down before the reminder falls due: it never sees a deadline as due.
            let first = try BonusFixture(store, storage: DeadlinesNeverDue(base: processes), reminderDelay: 0.5)
            try await first.running {
                _ = try await first.accounts.handle(.open(owner: "Ada"), on: reminded)
                _ = try await first.accounts.handle(.open(owner: "Bob"), on: cancelled)
                _ = try await first.accounts.handle(.deposit(amount: 7), on: cancelled)
                try await first.waitUntilJournalled(cancelled, entries: 3)
            }
            let pending = try await processes.dueScheduledCommands(owner: BonusProgram.name, dueBy: .distantFuture, limit: 10)
            #expect(pending.map(\.processID) == [reminded.rawValue], "the reminder is stored, the cancelled one is not pending")
            // Down while the reminder falls due, then two runners start at once.
            try await Task.sleep(for: .seconds(1))
            let second = try BonusFixture(store, reminderDelay: 0.5)
            let third = try BonusFixture(store, reminderDelay: 0.5)
            try await second.running {
                try await third.running {
                    try await second.waitForBalance(101, of: reminded)
                    try await Task.sleep(for: .milliseconds(300))
                }
            }
            let deposits = try await store.readStream(reminded).filter { $0.type == TestAccount.Deposited.eventType }
            #expect(deposits.count == 2, "the bonus and one reminder")
            #expect(try await second.accounts.load(reminded).state.balance == 101)
            #expect(try await second.accounts.load(cancelled).state.balance == 107, "the cancelled reminder never fired")
            #expect(try await processes.dueScheduledCommands(owner: BonusProgram.name, dueBy: .distantFuture, limit: 10).isEmpty)
        }
    }
}

/// Gives each new account a bonus of 100, reminds it with a deposit of 1 unless it deposits 7 first, and adds
/// 1000 on its third deposit.
struct BonusProgram: ProcessManager {
    struct Command: Codable, Sendable, Equatable {
        var stream: String
        var amount: Int
    }

    static let name = "bonus"
    let reminderDelay: Double
    var name: String { Self.name }
    let codec = EventRegistry(TestAccount.Opened.self, TestAccount.Deposited.self)
    var filter: EventFilter { .category("account").eventTypes(codec.eventTypes) }
    let initialState = 0

    func processID(for event: any DomainEvent, recorded: RecordedEvent) -> String? { recorded.stream.rawValue }

    func evolve(_ deposits: Int, event: any DomainEvent) -> Int { event is TestAccount.Deposited ? deposits + 1 : deposits }

    func react(to event: any DomainEvent, state deposits: Int, recorded: RecordedEvent) -> [ProcessAction<Command>] {
        let account = recorded.stream.rawValue
        switch event {
        case is TestAccount.Opened:
            return [
                .send(Command(stream: account, amount: 100)),
                .schedule(Command(stream: account, amount: 1), named: "reminder", at: recorded.recordedAt.addingTimeInterval(reminderDelay)),
            ]
        case let deposit as TestAccount.Deposited:
            var actions: [ProcessAction<Command>] = []
            if deposit.amount == 7 { actions.append(.cancel(named: "reminder")) }
            if deposits == 3 { actions.append(.send(Command(stream: account, amount: 1000))) }
            return actions
        default:
            return []
        }
    }
}

/// A store, an account handler and a BonusProgram runner over them.
struct BonusFixture: Sendable {
    let store: any EventStore
    let accounts: CommandHandler<TestAccount>
    let runner: ProcessManagerRunner<BonusProgram>

    /// What the runner logged.
    let log = LogRecorder()

    init(_ store: any EventStore, storage: (any ProcessManagerStore)? = nil, reminderDelay: Double = 3600) throws {
        let accounts = CommandHandler(store: store, decider: TestAccount(), maximumAttempts: 50)
        var configuration = ProcessManagerRunner<BonusProgram>.Configuration()
        configuration.retryDelay = .milliseconds(50)
        configuration.deadlinePollInterval = .milliseconds(100)
        configuration.logger = log.logger
        self.store = store
        self.accounts = accounts
        runner = ProcessManagerRunner(
            BonusProgram(reminderDelay: reminderDelay),
            store: store,
            storage: try storage ?? #require(store as? any ProcessManagerStore),
            configuration: configuration
        ) { command, context in
            _ = try await accounts.handle(
                .deposit(amount: command.amount),
                on: try StreamID(command.stream),
                metadata: context.metadata,
                idempotencyKey: context.idempotencyKey
            )
        }
    }

    /// Runs the runner while `body` runs, then stops it; an error the runner throws fails the check.
    func running(_ body: @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await runner.run() }
            defer { group.cancelAll() }
            try await body()
            group.cancelAll()
            // Waited for explicitly: a task group left to wait on its own drops its tasks' errors.
            do {
                while try await group.next() != nil {}
            } catch is CancellationError {}
        }
    }

    func waitForBalance(_ balance: Int, of stream: StreamID) async throws {
        try await poll("balance \(balance) of \(stream)") { try await accounts.load(stream).state.balance == balance }
    }

    func waitUntilJournalled(_ stream: StreamID, entries: Int) async throws {
        let journal = try StreamID("$process-\(BonusProgram.name):\(stream.rawValue)")
        try await poll("\(entries) journal entries of \(stream)") { try await store.readStream(journal).count >= entries }
    }

    func poll(_ what: String, _ condition: @escaping @Sendable () async throws -> Bool) async throws {
        try await withDeadline(20, waitingFor: what) {
            while try await !condition() { try await Task.sleep(for: .milliseconds(20)) }
        }
    }
}

/// Process-manager storage as a runner sees it when it stops before any deadline falls due.
struct DeadlinesNeverDue: ProcessManagerStore {
    let base: any ProcessManagerStore

    func processCheckpoint(_ name: String) async throws -> GlobalPosition? { try await base.processCheckpoint(name) }
    func saveProcessCheckpoint(_ name: String, position: GlobalPosition) async throws {
        try await base.saveProcessCheckpoint(name, position: position)
    }
    func schedule(_ command: ScheduledCommand) async throws { try await base.schedule(command) }
    func cancelScheduledCommands(owner: String, processID: String, name: String) async throws -> Int {
        try await base.cancelScheduledCommands(owner: owner, processID: processID, name: name)
    }
    func dueScheduledCommands(owner: String, dueBy date: Date, limit: Int) async throws -> [ScheduledCommand] { [] }
    func nextScheduledCommandDue(owner: String) async throws -> Date? { nil }
    func completeScheduledCommand(id: String) async throws { try await base.completeScheduledCommand(id: id) }
}

/// Process-manager storage that loses every checkpoint, as if the process crashed before each save; it notes
/// the last one the runner tried to save, to show how far the runner got.
final class ForgetfulCheckpoints: ProcessManagerStore {
    let base: any ProcessManagerStore
    private let saved = Mutex<GlobalPosition?>(nil)

    init(base: any ProcessManagerStore) {
        self.base = base
    }

    /// The checkpoint the runner last tried to save.
    var lastSaved: GlobalPosition? { saved.withLock { $0 } }

    func processCheckpoint(_ name: String) async throws -> GlobalPosition? { nil }
    func saveProcessCheckpoint(_ name: String, position: GlobalPosition) async throws {
        saved.withLock { $0 = position }
    }
    func schedule(_ command: ScheduledCommand) async throws { try await base.schedule(command) }
    func cancelScheduledCommands(owner: String, processID: String, name: String) async throws -> Int {
        try await base.cancelScheduledCommands(owner: owner, processID: processID, name: name)
    }
    func dueScheduledCommands(owner: String, dueBy date: Date, limit: Int) async throws -> [ScheduledCommand] {
        try await base.dueScheduledCommands(owner: owner, dueBy: date, limit: limit)
    }
    func nextScheduledCommandDue(owner: String) async throws -> Date? { try await base.nextScheduledCommandDue(owner: owner) }
    func completeScheduledCommand(id: String) async throws { try await base.completeScheduledCommand(id: id) }
}
