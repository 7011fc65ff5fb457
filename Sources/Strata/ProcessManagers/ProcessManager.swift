//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// A process manager (saga): follows events, keeps a state per process, and issues commands, now or later.
///
/// Each event it follows belongs to one process (processID(for:recorded:), such as the order id). The
/// process's state is event sourced: a ``ProcessManagerRunner`` folds, through evolve(_:event:), the events the
/// process has seen, then asks react(to:state:recorded:) what to do.
///
/// ```swift
/// struct PaymentTimeout: ProcessManager {
///     let name = "payment-timeout"
///     let codec = EventRegistry(OrderConfirmed.self, PaymentSucceeded.self)
///     var filter: EventFilter { .category("order").eventTypes(codec.eventTypes) }
///     let initialState = false   // paid?
///
///     func processID(for event: any DomainEvent, recorded: RecordedEvent) -> String? { recorded.stream.rawValue }
///     func evolve(_ paid: Bool, event: any DomainEvent) -> Bool { paid || event is PaymentSucceeded }
///     func react(to event: any DomainEvent, state paid: Bool, recorded: RecordedEvent) -> [ProcessAction<OrderCommand>] {
///         switch event {
///         case is OrderConfirmed:
///             [.schedule(.cancelUnpaid(recorded.stream), named: "timeout", at: recorded.recordedAt + 1800)]
///         case is PaymentSucceeded:
///             [.cancel(named: "timeout"), .send(.markPaid(recorded.stream))]
///         default: []
///         }
///     }
/// }
/// ```
///
/// Handlers must be deterministic: after a crash, events are handed to the process manager again, and the
/// commands it issues then carry the same idempotency keys, so they take effect once. For the same reason a
/// deadline should be computed from the event (its `recordedAt`), not from the clock.
public protocol ProcessManager: Sendable {
    /// The events it follows.
    associatedtype Event: Sendable
    /// How they are decoded.
    associatedtype Codec: EventCodec<Event>
    /// What one process remembers.
    associatedtype State: Sendable
    /// What it asks for: `Codable`, so that scheduled commands can be stored.
    associatedtype Command: Codable & Sendable

    /// The stable name: the key of its checkpoint, its scheduled commands and its processes' journals.
    var name: String { get }
    /// Decodes the events it follows.
    var codec: Codec { get }
    /// Which events it follows.
    var filter: EventFilter { get }
    /// The state of a process that has seen no event.
    var initialState: State { get }

    /// The process an event belongs to, or `nil` to ignore the event.
    func processID(for event: Event, recorded: RecordedEvent) -> String?

    /// Applies one event to a process's state.
    func evolve(_ state: State, event: Event) -> State

    /// What to do about an event, given the process's state with that event applied.
    func react(to event: Event, state: State, recorded: RecordedEvent) -> [ProcessAction<Command>]
}

/// What a process manager does about an event.
public struct ProcessAction<Command: Sendable>: Sendable {
    enum Kind: Sendable {
        case send(Command)
        case schedule(Command, name: String, at: Date)
        case cancel(name: String)
    }

    let kind: Kind

    /// Sends a command now.
    public static func send(_ command: Command) -> ProcessAction { ProcessAction(kind: .send(command)) }

    /// Sends a command at `date` (a deadline), unless the process cancels it by `name` first. Deadlines are
    /// stored, so they survive restarts, and fire once.
    public static func schedule(_ command: Command, named name: String, at date: Date) -> ProcessAction {
        ProcessAction(kind: .schedule(command, name: name, at: date))
    }

    /// Cancels the process's pending deadlines called `name`.
    public static func cancel(named name: String) -> ProcessAction { ProcessAction(kind: .cancel(name: name)) }
}

/// What a process manager's command carries when the runner hands it over: send it through a
/// ``CommandHandler`` with exactly this key and metadata.
public struct ProcessCommandContext: Hashable, Sendable {
    /// Derived from the event that caused the command (or from the deadline): the same on every replay, so
    /// that the command takes effect once.
    public var idempotencyKey: String
    /// Correlation from the causing event, causation = the causing event (or deadline).
    public var metadata: CommandMetadata
    /// The process the command comes from.
    public var processID: String

    public init(idempotencyKey: String, metadata: CommandMetadata, processID: String) {
        self.idempotencyKey = idempotencyKey
        self.metadata = metadata
        self.processID = processID
    }
}
