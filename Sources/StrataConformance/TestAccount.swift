//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

/// A bank account: the small domain the command checks run.
struct TestAccount: Decider {
    struct Opened: DomainEvent {
        static let eventType = "AccountOpened"
        var owner: String
    }

    struct Deposited: DomainEvent {
        static let eventType = "AccountDeposited"
        var amount: Int
    }

    struct State: Codable, Sendable, Equatable {
        var owner: String?
        var balance = 0
    }

    enum Command: Sendable {
        case open(owner: String)
        case deposit(amount: Int)
        case touch
    }

    let initialState = State()
    let codec = EventRegistry(Opened.self, Deposited.self)

    func decide(_ command: Command, state: State) throws -> [any DomainEvent] {
        switch command {
        case .open(let owner):
            guard state.owner == nil else { throw DomainError("the account is already open", code: "already-open") }
            return [Opened(owner: owner)]
        case .deposit(let amount):
            guard state.owner != nil else { throw DomainError("the account is not open", code: "not-open") }
            guard amount > 0 else { throw DomainError("a deposit must be positive", code: "non-positive") }
            return [Deposited(amount: amount)]
        case .touch:
            return []
        }
    }

    func evolve(_ state: State, event: any DomainEvent) -> State {
        var state = state
        switch event {
        case let opened as Opened: state.owner = opened.owner
        case let deposit as Deposited: state.balance += deposit.amount
        default: break
        }
        return state
    }
}
