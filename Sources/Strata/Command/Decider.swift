//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// The business logic of one kind of aggregate, as pure functions: decide what happens, then evolve the state.
///
/// A decider never does I/O. ``CommandHandler`` loads the state by folding the stream's events through
/// evolve(_:event:) from initialState, asks decide(_:state:) for new events, and appends them.
///
/// ```swift
/// struct Account: Decider {
///     struct State: Sendable { var isOpen = false; var balance = 0 }
///     enum Command: Sendable { case open(owner: String), deposit(amount: Int) }
///     let initialState = State()
///     let codec = EventRegistry(Opened.self, Deposited.self)
///
///     func decide(_ command: Command, state: State) throws -> [any DomainEvent] {
///         switch command {
///         case .open(let owner):
///             guard !state.isOpen else { throw DomainError("the account is already open") }
///             return [Opened(owner: owner)]
///         case .deposit(let amount):
///             guard state.isOpen else { throw DomainError("the account is not open") }
///             guard amount > 0 else { throw DomainError("a deposit must be positive") }
///             return [Deposited(amount: amount)]
///         }
///     }
///
///     func evolve(_ state: State, event: any DomainEvent) -> State {
///         var state = state
///         switch event {
///         case is Opened: state.isOpen = true
///         case let deposit as Deposited: state.balance += deposit.amount
///         default: break
///         }
///         return state
///     }
/// }
/// ```
public protocol Decider: Sendable {
    /// What the aggregate can be asked to do.
    associatedtype Command: Sendable
    /// What can happen to it.
    associatedtype Event: Sendable
    /// What it remembers, as far as decisions need.
    associatedtype State: Sendable
    /// How its events are stored.
    associatedtype Codec: EventCodec<Event>

    /// The state of an aggregate with no events.
    var initialState: State { get }

    /// Stores and reads the events.
    var codec: Codec { get }

    /// Decides which events a command causes, or throws ``DomainError`` when a business rule forbids it.
    ///
    /// Returning no events accepts the command with no change.
    func decide(_ command: Command, state: State) throws -> [Event]

    /// Applies one event to the state. Never fails: the event has happened.
    func evolve(_ state: State, event: Event) -> State
}
