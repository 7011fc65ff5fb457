//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

/// One bank account: opened once, then deposits, withdrawals and transfers, never below its overdraft limit.
///
/// A decider: `decide` checks a command against the state folded from the account's events and answers the new
/// events (or throws a DomainError naming the rule), and `evolve` folds one event into the state.
public struct Account: Decider {
    public struct State: Sendable, Equatable {
        public var isOpen = false
        public var owner = ""
        public var balanceCents = 0

        public init(isOpen: Bool = false, owner: String = "", balanceCents: Int = 0) {
            self.isOpen = isOpen
            self.owner = owner
            self.balanceCents = balanceCents
        }
    }

    public enum Command: Sendable, Equatable {
        case open(owner: String)
        case deposit(amountCents: Int)
        case withdraw(amountCents: Int)
        case sendTransfer(id: String, to: String, amountCents: Int)
        case receiveTransfer(id: String, from: String, amountCents: Int)
        case refundTransfer(id: String, amountCents: Int, reason: String)
    }

    /// The largest amount of one deposit, withdrawal or transfer: ten million in cents.
    public static let maximumAmountCents = 1_000_000_000
    /// The largest balance an account may hold, so that no sum of balances can overflow.
    public static let maximumBalanceCents = 1_000_000_000_000_000

    /// How far below zero a withdrawal or a transfer may take the balance.
    public var overdraftLimitCents: Int
    public let initialState = State()
    public let codec = AccountEvent.registry

    public init(overdraftLimitCents: Int = 0) {
        self.overdraftLimitCents = overdraftLimitCents
    }

    public func decide(_ command: Command, state: State) throws -> [AccountEvent] {
        switch command {
        case .open(let owner):
            guard !state.isOpen else { throw DomainError("the account is already open", code: "account-already-open") }
            return [.opened(AccountOpened(owner: owner))]
        case .deposit(let amount):
            try requireCredit(amount, to: state)
            return [.deposited(MoneyDeposited(amountCents: amount))]
        case .withdraw(let amount):
            try requireDebit(amount, from: state)
            return [.withdrawn(MoneyWithdrawn(amountCents: amount))]
        case .sendTransfer(let id, let target, let amount):
            try requireDebit(amount, from: state)
            return [.transferSent(TransferSent(transferId: id, toAccount: target, amountCents: amount))]
        case .receiveTransfer(let id, let source, let amount):
            try requireCredit(amount, to: state)
            return [.transferReceived(TransferReceived(transferId: id, fromAccount: source, amountCents: amount))]
        case .refundTransfer(let id, let amount, let reason):
            try requireCredit(amount, to: state)
            return [.transferRefunded(TransferRefunded(transferId: id, amountCents: amount, reason: reason))]
        }
    }

    public func evolve(_ state: State, event: AccountEvent) -> State {
        var state = state
        if case .opened(let opened) = event {
            state.isOpen = true
            state.owner = opened.owner
        }
        // Events written by `decide` stay within the limits; an event from elsewhere must not trap the fold.
        let (balance, overflow) = state.balanceCents.addingReportingOverflow(event.balanceChange)
        state.balanceCents = overflow ? state.balanceCents : balance
        return state
    }

    /// Every command but `open` needs an open account, and a valid amount.
    private func requireAmount(_ amount: Int, on state: State) throws {
        guard state.isOpen else { throw DomainError("there is no such account", code: "unknown-account") }
        guard amount > 0, amount <= Self.maximumAmountCents else {
            throw DomainError("an amount is from 1 to \(Self.maximumAmountCents) cents", code: "invalid-amount")
        }
    }

    private func requireCredit(_ amount: Int, to state: State) throws {
        try requireAmount(amount, on: state)
        guard state.balanceCents <= Self.maximumBalanceCents - amount else {
            throw DomainError("the balance would exceed its limit", code: "balance-limit")
        }
    }

    private func requireDebit(_ amount: Int, from state: State) throws {
        try requireAmount(amount, on: state)
        let (remaining, overflow) = state.balanceCents.subtractingReportingOverflow(amount)
        guard !overflow, remaining >= -overdraftLimitCents else {
            throw DomainError(
                "the balance of \(state.balanceCents) cents does not cover \(amount) cents",
                code: "insufficient-funds"
            )
        }
    }
}
