//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

/// Completes transfers: when an account has sent one, credit the receiving account.
///
/// The process manager only decides what to send; the application's dispatch runs the command (see
/// BankApplication), refunding the sender when the receiving account does not exist.
public struct TransferProcess: ProcessManager {
    /// Credit a transfer to the receiving account.
    public struct Credit: Codable, Sendable, Equatable {
        public var transferId: String
        public var fromAccount: String
        public var toAccount: String
        public var amountCents: Int
    }

    public let name = "transfers"
    public let codec = AccountEvent.registry
    public var filter: EventFilter { .eventTypes([TransferSent.eventType]) }
    /// A transfer remembers nothing: one event, one command.
    public let initialState = false

    public init() {}

    public func processID(for event: AccountEvent, recorded: RecordedEvent) -> String? {
        guard case .transferSent(let sent) = event else { return nil }
        return sent.transferId
    }

    public func evolve(_ state: Bool, event: AccountEvent) -> Bool { state }

    public func react(to event: AccountEvent, state: Bool, recorded: RecordedEvent) -> [ProcessAction<Credit>] {
        guard case .transferSent(let sent) = event, let source = Accounts.id(of: recorded.stream) else { return [] }
        return [.send(Credit(transferId: sent.transferId, fromAccount: source, toAccount: sent.toAccount, amountCents: sent.amountCents))]
    }
}
