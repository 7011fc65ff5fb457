//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

/// An account as queries show it.
public struct AccountBalance: Codable, Hashable, Sendable {
    public var id: String
    public var owner: String
    public var balanceCents: Int

    public init(id: String, owner: String, balanceCents: Int) {
        self.id = id
        self.owner = owner
        self.balanceCents = balanceCents
    }
}

/// Keeps one document per account in the collection `accounts`, indexed by owner.
///
/// Its name and the collection's are what queries read (`reader.documents("accounts", of: "account-balances")`).
public struct AccountBalances: EventProjection {
    public let name = "account-balances"
    public let codec = AccountEvent.registry
    public var filter: EventFilter { .eventTypes(codec.eventTypes) }
    public var schema: ReadModelSchema {
        ReadModelSchema(collections: [DocumentCollection("accounts", indexes: ["owner"])])
    }

    public init() {}

    /// The account an event changes: the runner reads a batch's accounts in one query before applying it.
    public func documentKeys(for event: RecordedEvent) -> [DocumentKey] {
        Accounts.id(of: event.stream).map { [DocumentKey("accounts", $0)] } ?? []
    }

    public func apply(_ change: AccountEvent, recorded event: RecordedEvent, in context: ProjectionContext) async throws {
        guard let id = Accounts.id(of: event.stream) else { return }
        let accounts = try context.documents("accounts", as: AccountBalance.self)
        if case .opened(let opened) = change {
            try await accounts.put(AccountBalance(id: id, owner: opened.owner, balanceCents: 0), key: id)
            return
        }
        try await accounts.updateIfPresent(id) { account in
            // As in Account.evolve: a balance out of range keeps its last value rather than trapping.
            let (balance, overflow) = account.balanceCents.addingReportingOverflow(change.balanceChange)
            if !overflow { account.balanceCents = balance }
        }
    }
}

/// One account's balance; `nil` when there is no such account.
public struct BalanceQuery: Query {
    public var accountID: String
    public var projections: [String] { ["account-balances"] }

    public init(accountID: String) { self.accountID = accountID }

    public func run(on reader: ReadModelReader) async throws -> AccountBalance? {
        try await reader.documents("accounts", of: "account-balances", as: AccountBalance.self).get(accountID)
    }
}

/// The accounts of one owner, by id.
public struct OwnerAccountsQuery: Query {
    public var owner: String
    public var projections: [String] { ["account-balances"] }

    public init(owner: String) { self.owner = owner }

    public func run(on reader: ReadModelReader) async throws -> [AccountBalance] {
        try await reader.documents("accounts", of: "account-balances", as: AccountBalance.self)
            .find(.where("owner", .equal, .text(owner)))
            .sorted { $0.id < $1.id }
    }
}
