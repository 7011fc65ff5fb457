//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Synchronization

/// An order summary, as the test projection keeps it. `applied` lists the positions of the events applied to
/// it, so a lost or repeated event shows.
struct OrderSummary: Codable, Hashable, Sendable {
    var id: String
    var customer: String
    var status: String
    var amount: Int
    var applied: [UInt64]
}

/// The injected failure of a test handler.
struct InjectedFault: Error, CustomStringConvertible {
    var position: GlobalPosition
    var description: String { "injected fault at position \(position)" }
}

/// Failures to inject into a handler: at given positions, a number of times each.
final class Faults: Sendable {
    private let remaining = Mutex<[UInt64: Int]>([:])
    private let attempts = Mutex<Int>(0)

    /// Makes applying the event at `position` fail `times` times (Int.max: always).
    func fail(at position: GlobalPosition, times: Int = .max) {
        remaining.withLock { $0[position.value] = times }
    }

    /// Stops injecting failures.
    func heal() {
        remaining.withLock { $0.removeAll() }
    }

    /// How many times a handler has been called.
    var calls: Int { attempts.withLock { $0 } }

    func check(_ event: RecordedEvent) throws {
        attempts.withLock { $0 += 1 }
        let fails = remaining.withLock { remaining in
            guard let left = remaining[event.position.value], left > 0 else { return false }
            remaining[event.position.value] = left == .max ? left : left - 1
            return true
        }
        if fails { throw InjectedFault(position: event.position) }
    }
}

/// Holds a handler back until opened, so a check can look at the read side mid-rebuild.
final class Gate: Sendable {
    private let open = Mutex(false)
    private let reached = Mutex(false)

    func openGate() { open.withLock { $0 = true } }
    var isReached: Bool { reached.withLock { $0 } }

    func pass() async throws {
        reached.withLock { $0 = true }
        while !open.withLock({ $0 }) {
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}

/// Order events: `OrderPlaced {customer, amount}`, `OrderShipped`, `OrderCancelled` in category `order`.
enum OrderEvents {
    static func placed(customer: String, amount: Int) -> NewEvent {
        NewEvent(type: "OrderPlaced", data: Data(#"{"customer":"\#(customer)","amount":\#(amount)}"#.utf8))
    }
    static func shipped() -> NewEvent { NewEvent(type: "OrderShipped", data: Data("{}".utf8)) }
    static func cancelled() -> NewEvent { NewEvent(type: "OrderCancelled", data: Data("{}".utf8)) }
    static func unrelated() -> NewEvent { NewEvent(type: "CustomerRegistered", data: Data("{}".utf8)) }

    /// Appends `orders` orders, each placed then shipped (every third cancelled instead), interleaving streams,
    /// with an unrelated customer event after each order. Returns the last position.
    @discardableResult
    static func appendHistory(to store: any EventStore, orders: Int, prefix: String = "o") async throws -> GlobalPosition {
        var last = GlobalPosition.start
        for index in 0..<orders {
            let stream = StreamID(category: "order", id: "\(prefix)\(index)")
            last = try await store.append([placed(customer: "c\(index % 3)", amount: 10 * (index + 1))], to: stream, expecting: .any).position
            last = try await store.append([unrelated()], to: StreamID(category: "customer", id: "\(prefix)\(index)"), expecting: .any).position
        }
        for index in 0..<orders {
            let stream = StreamID(category: "order", id: "\(prefix)\(index)")
            last = try await store.append([index % 3 == 2 ? cancelled() : shipped()], to: stream, expecting: .any).position
        }
        return last
    }
}

/// The document projection the checks run: one OrderSummary per order stream. Its events are decoded by the
/// runner (a batch ahead while it catches up), so every check runs that path too.
struct OrderProjection: EventProjection {
    var name = "orders"
    var version = 1
    var faults: Faults?
    var gate: Gate?
    var failurePolicy: ProjectionFailurePolicy?
    /// Upper-cases statuses from this version on, so a rebuild by new code shows.
    var shoutsFromVersion = 2

    struct Placed: DomainEvent {
        static let eventType = "OrderPlaced"
        var customer: String
        var amount: Int
    }

    struct Shipped: DomainEvent {
        static let eventType = "OrderShipped"
    }

    struct Cancelled: DomainEvent {
        static let eventType = "OrderCancelled"
    }

    let codec = EventRegistry(Placed.self, Shipped.self, Cancelled.self)

    var filter: EventFilter { .category("order") }
    var schema: ReadModelSchema {
        ReadModelSchema(collections: [DocumentCollection("orders", indexes: ["customer", "status", "amount"])])
    }

    /// Every check of the suite runs with the runner reading a batch's documents ahead.
    func documentKeys(for event: RecordedEvent) -> [DocumentKey] {
        [DocumentKey("orders", event.stream.rawValue)]
    }

    func apply(_ decoded: any DomainEvent, recorded event: RecordedEvent, in context: ProjectionContext) async throws {
        if context.generation > 1, let gate { try await gate.pass() }
        try faults?.check(event)
        let orders = try context.documents("orders", as: OrderSummary.self)
        let key = event.stream.rawValue
        let status = { (text: String) in version >= shoutsFromVersion ? text.uppercased() : text }
        switch decoded {
        case let placed as Placed:
            // Adds to what is there rather than overwriting it, so that an event applied twice shows, whatever
            // its type: the amount doubles and its position is listed twice.
            try await orders.update(key, default: OrderSummary(id: key, customer: placed.customer, status: "", amount: 0, applied: [])) { summary in
                summary.customer = placed.customer
                summary.status = status("placed")
                summary.amount += placed.amount
                summary.applied.append(event.position.value)
            }
        case is Shipped, is Cancelled:
            try await orders.updateIfPresent(key) { summary in
                summary.status = status(decoded is Shipped ? "shipped" : "cancelled")
                summary.applied.append(event.position.value)
            }
        default:
            break
        }
    }
}

/// Counts every event it sees in one document: a projection with no filter.
struct EventCounter: Projection {
    var name = "event-counter"
    var schema: ReadModelSchema { ReadModelSchema(collections: [DocumentCollection("counts")]) }

    func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws {
        try await context.documents("counts", as: [String: Int].self).update("all", default: [:]) { counts in
            counts[event.type, default: 0] += 1
        }
    }
}

/// Lists the orders of one customer, or all, from the active generation.
struct OrdersQuery: Query {
    var customer: String?
    var projection = "orders"
    var projections: [String] { [projection] }

    func run(on reader: ReadModelReader) async throws -> [OrderSummary] {
        let orders = try await reader.documents("orders", of: projection, as: OrderSummary.self)
        guard let customer else { return try await orders.find() }
        return try await orders.find(.where("customer", .equal, .text(customer)))
    }
}

/// A read store that fails on purpose around commits, to simulate crashes.
final class CrashingReadStore: ReadStore {
    /// Where the simulated crash happens.
    enum Moment: Sendable {
        /// After the body wrote everything, before the commit: nothing is kept.
        case beforeCommit
        /// After the commit: everything is kept, but the caller hears of a failure.
        case afterCommit
    }

    struct Crash: Error, CustomStringConvertible {
        var description: String { "simulated crash" }
    }

    let base: any ReadStore
    private let moment: Moment
    private let counter = Mutex<(transactions: Int, crashes: Int)>((0, 0))
    private let firstCrash: Int
    private let crashCount: Int

    /// Crashes transactions number `firstCrash` (1-based) to `firstCrash + crashCount - 1`.
    init(_ base: any ReadStore, at moment: Moment, firstCrash: Int, crashCount: Int = .max) {
        self.base = base
        self.moment = moment
        self.firstCrash = firstCrash
        self.crashCount = crashCount
    }

    var crashes: Int { counter.withLock { $0.crashes } }

    private func shouldCrash() -> Bool {
        counter.withLock { counter in
            counter.transactions += 1
            let crash = counter.transactions >= firstCrash && counter.crashes < crashCount
            if crash { counter.crashes += 1 }
            return crash
        }
    }

    func withTransaction<T>(_ body: (any ReadStoreTransaction) async throws -> T) async throws -> T {
        switch moment {
        case .beforeCommit:
            return try await base.withTransaction { transaction in
                let result = try await body(transaction)
                if shouldCrash() { throw Crash() }
                return result
            }
        case .afterCommit:
            let result = try await base.withTransaction(body)
            if shouldCrash() { throw Crash() }
            return result
        }
    }

    func withReader<T>(_ body: (any ReadStoreReader) async throws -> T) async throws -> T {
        try await base.withReader(body)
    }
}

/// An event store whose first read of events returns only when resumed: the reader then holds a batch that
/// may be stale by the time it commits it.
final class StallingEventStore: EventStore {
    let base: any EventStore
    private let stalled = Mutex(false)
    private let resumed = Mutex(false)

    init(_ base: any EventStore) {
        self.base = base
    }

    /// Whether a read is held back.
    var isStalled: Bool { stalled.withLock { $0 } }

    /// Lets the held-back read return.
    func resume() { resumed.withLock { $0 = true } }

    func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [RecordedEvent] {
        let page = try await base.readAll(from: position, limit: limit, filter: filter)
        guard !page.isEmpty, !resumed.withLock({ $0 }) else { return page }
        stalled.withLock { $0 = true }
        while !resumed.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(2)) }
        return page
    }

    func append(_ events: [NewEvent], to stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        try await base.append(events, to: stream, expecting: expected)
    }

    func readStream(_ stream: StreamID, from version: StreamVersion, direction: ReadDirection, limit: Int) async throws -> [RecordedEvent] {
        try await base.readStream(stream, from: version, direction: direction, limit: limit)
    }

    func currentVersion(of stream: StreamID) async throws -> StreamVersion? { try await base.currentVersion(of: stream) }

    func headPosition() async throws -> GlobalPosition { try await base.headPosition() }

    func subscribeToAll(from position: GlobalPosition, filter: EventFilter) -> EventSubscription {
        base.subscribeToAll(from: position, filter: filter)
    }

    func deleteStream(_ stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        try await base.deleteStream(stream, expecting: expected)
    }

    func truncateStream(_ stream: StreamID, before version: StreamVersion) async throws {
        try await base.truncateStream(stream, before: version)
    }
}
