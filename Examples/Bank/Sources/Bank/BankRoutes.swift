//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import Strata
import StrataHTTP

/// The bank's commands and queries over HTTP.
///
/// Commands need the `write` scope and answer with the position to read one's own write at (201 and the new id
/// when they create something); queries need `read` and wait for `Strata-Min-Position` when it is given.
struct BankRoutes: Sendable {
    let commands: AccountCommands
    let runtime: StrataRuntime

    private struct Opening: Decodable { var owner: String }
    private struct Amount: Decodable { var amountCents: Int }
    private struct Transfer: Decodable {
        var to: String
        var amountCents: Int
    }

    func add(to routes: StrataRoutes) {
        BankAPI.addSchemas(to: routes)
        routes.post("/accounts", access: .write, documentation: BankAPI.open) { request, context in
            let body = try await request.decodeJSON(as: Opening.self, context: context)
            let owner = try Self.owner(body.owner)
            let id = Accounts.newID(idempotencyKey: try request.idempotencyKey())
            let result = try await commands.handler.handle(
                .open(owner: owner),
                on: try Accounts.stream(id),
                metadata: try request.commandMetadata(context: context),
                idempotencyKey: try request.idempotencyKey()
            )
            return CommandReply(result, createdID: id)
        }
        routes.post("/accounts/{id}/deposits", access: .write, documentation: BankAPI.deposit) { request, context in
            let body = try await request.decodeJSON(as: Amount.self, context: context)
            return CommandReply(try await command(.deposit(amountCents: body.amountCents), request, context))
        }
        routes.post("/accounts/{id}/withdrawals", access: .write, documentation: BankAPI.withdraw) { request, context in
            let body = try await request.decodeJSON(as: Amount.self, context: context)
            return CommandReply(try await command(.withdraw(amountCents: body.amountCents), request, context))
        }
        routes.post("/accounts/{id}/transfers", access: .write, documentation: BankAPI.transfer) { request, context in
            let body = try await request.decodeJSON(as: Transfer.self, context: context)
            guard body.to != (try context.parameters.require("id")) else {
                throw InvalidField(field: "to", message: "an account cannot transfer to itself")
            }
            _ = try Accounts.stream(body.to)
            let transferID = Accounts.newID(idempotencyKey: try request.idempotencyKey())
            let result = try await command(.sendTransfer(id: transferID, to: body.to, amountCents: body.amountCents), request, context)
            return CommandReply(result, createdID: transferID)
        }
        routes.get("/accounts/{id}", access: .read, documentation: BankAPI.account) { request, context in
            let id = try context.parameters.require("id")
            return JSONReply(try await runtime.ask(BalanceQuery(accountID: id), for: request, orNotFound: "there is no account '\(id)'"))
        }
        routes.get("/owners/{owner}/accounts", access: .read, documentation: BankAPI.ownerAccounts) { request, context in
            JSONReply(try await runtime.ask(OwnerAccountsQuery(owner: try context.parameters.require("owner")), for: request))
        }
    }

    /// Runs a command on the account the path names; an account that was never opened is 404.
    private func command(
        _ command: Account.Command,
        _ request: Request,
        _ context: StrataRequestContext
    ) async throws -> CommandResult<AccountEvent> {
        let id = try context.parameters.require("id")
        do {
            return try await commands.handler.handle(
                command,
                on: try Accounts.stream(id),
                expectedVersion: try request.expectedVersion(),
                metadata: try request.commandMetadata(context: context),
                idempotencyKey: try request.idempotencyKey()
            )
        } catch let rule as DomainError where rule.code == "unknown-account" {
            throw HTTPProblem(.notFound, code: "not-found", detail: "there is no account '\(id)'")
        }
    }

    /// An owner's name: 1 to 100 characters, no control characters.
    private static func owner(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(trimmed.count), !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw InvalidField(field: "owner", message: "an owner is 1 to 100 characters, without control characters")
        }
        return trimmed
    }
}
