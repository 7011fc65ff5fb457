//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata

/// A bank account's balance, as the catch-up workloads keep it: one JSON document per account.
struct AccountBalance: Codable, Sendable {
    var balance = 0
    var deposits = 0
}

/// The payload of the workloads' `Deposited` events.
struct Deposited: DomainEvent {
    static let eventType = "Deposited"
    var amount: Int
}

/// Keeps one AccountBalance document per account stream, its balance indexed: the projection the catch-up
/// workloads run.
struct BalanceProjection: EventProjection {
    let codec = EventRegistry<Deposited>(unwrap: { $0 }).registering(Deposited.self) { $0 }

    var name: String { "balances" }
    var filter: EventFilter { .category("account") }
    var schema: ReadModelSchema { ReadModelSchema(collections: [DocumentCollection("accounts", indexes: ["balance"])]) }

    func documentKeys(for event: RecordedEvent) -> [DocumentKey] {
        [DocumentKey("accounts", event.stream.rawValue)]
    }

    func apply(_ deposit: Deposited, recorded event: RecordedEvent, in context: ProjectionContext) async throws {
        try await context.documents("accounts", as: AccountBalance.self).update(event.stream.rawValue, default: AccountBalance()) {
            $0.balance += deposit.amount
            $0.deposits += 1
        }
    }
}
