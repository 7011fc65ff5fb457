//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

/// Runs the bank's commands: the account decider behind Strata's command handler (load, decide, append with a
/// version check, retry on conflicts, idempotency keys).
public struct AccountCommands: Sendable {
    public let handler: CommandHandler<Account>

    public init(store: any EventStore, overdraftLimitCents: Int = 0) {
        handler = CommandHandler(store: store, decider: Account(overdraftLimitCents: overdraftLimitCents))
    }

    /// Credits a transfer to its receiving account, or, when that account cannot take it (it does not exist,
    /// or its balance would exceed the limit), pays the money back to the sender.
    ///
    /// The transfer process's dispatch. Both commands are idempotent under keys derived from the event that
    /// caused them, so a replay after a crash changes nothing twice: a refused credit's DomainError is stored
    /// as its outcome and replayed, and the refund under its own key is replayed as well.
    public func credit(_ credit: TransferProcess.Credit, context: ProcessCommandContext) async throws {
        do {
            _ = try await handler.handle(
                .receiveTransfer(id: credit.transferId, from: credit.fromAccount, amountCents: credit.amountCents),
                on: try Accounts.stream(credit.toAccount),
                metadata: context.metadata,
                idempotencyKey: context.idempotencyKey
            )
        } catch let refused as DomainError {
            _ = try await handler.handle(
                .refundTransfer(id: credit.transferId, amountCents: credit.amountCents, reason: refused.message),
                on: try Accounts.stream(credit.fromAccount),
                metadata: context.metadata,
                idempotencyKey: "\(context.idempotencyKey):refund"
            )
        }
    }
}
