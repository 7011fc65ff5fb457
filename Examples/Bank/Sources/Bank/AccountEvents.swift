//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

/// An account was opened for its owner.
public struct AccountOpened: DomainEvent {
    public static let eventType = "AccountOpened"
    public var owner: String
}

/// Money was paid in.
public struct MoneyDeposited: DomainEvent {
    public static let eventType = "MoneyDeposited"
    public var amountCents: Int
}

/// Money was paid out.
public struct MoneyWithdrawn: DomainEvent {
    public static let eventType = "MoneyWithdrawn"
    public var amountCents: Int
}

/// Money left this account for another one; the transfer process credits the other account.
public struct TransferSent: DomainEvent {
    public static let eventType = "TransferSent"
    public var transferId: String
    public var toAccount: String
    public var amountCents: Int
}

/// Money sent by another account arrived.
public struct TransferReceived: DomainEvent {
    public static let eventType = "TransferReceived"
    public var transferId: String
    public var fromAccount: String
    public var amountCents: Int
}

/// A transfer this account sent could not be credited, so its money came back.
public struct TransferRefunded: DomainEvent {
    public static let eventType = "TransferRefunded"
    public var transferId: String
    public var amountCents: Int
    public var reason: String
}

/// Everything that happens to an account: an enum, so that `evolve` and the projection switch over every case.
public enum AccountEvent: Sendable {
    case opened(AccountOpened)
    case deposited(MoneyDeposited)
    case withdrawn(MoneyWithdrawn)
    case transferSent(TransferSent)
    case transferReceived(TransferReceived)
    case transferRefunded(TransferRefunded)

    /// The stored form of each case: its type name and JSON.
    public static let registry = EventRegistry<AccountEvent>(unwrap: \.payload)
        .registering(AccountOpened.self, wrap: AccountEvent.opened)
        .registering(MoneyDeposited.self, wrap: AccountEvent.deposited)
        .registering(MoneyWithdrawn.self, wrap: AccountEvent.withdrawn)
        .registering(TransferSent.self, wrap: AccountEvent.transferSent)
        .registering(TransferReceived.self, wrap: AccountEvent.transferReceived)
        .registering(TransferRefunded.self, wrap: AccountEvent.transferRefunded)

    var payload: any DomainEvent {
        switch self {
        case .opened(let event): event
        case .deposited(let event): event
        case .withdrawn(let event): event
        case .transferSent(let event): event
        case .transferReceived(let event): event
        case .transferRefunded(let event): event
        }
    }

    /// How the event changes the balance, in cents.
    var balanceChange: Int {
        switch self {
        case .opened: 0
        case .deposited(let event): event.amountCents
        case .withdrawn(let event): -event.amountCents
        case .transferSent(let event): -event.amountCents
        case .transferReceived(let event): event.amountCents
        case .transferRefunded(let event): event.amountCents
        }
    }
}
