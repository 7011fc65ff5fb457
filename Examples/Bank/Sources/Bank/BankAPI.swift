//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import OpenAPIKit
import Strata
import StrataHTTP

/// The bank's part of the service's OpenAPI document (`GET /openapi.json`, `bank openapi`): its schemas and
/// the contract of each route, beside the routes every Strata service has.
enum BankAPI {
    static func addSchemas(to routes: StrataRoutes) {
        routes.addSchema(
            .object(
                description: "An account as the balances view holds it.",
                properties: ["id": .string, "owner": .string, "balanceCents": .integer(format: .int64)]
            ),
            named: "AccountBalance"
        )
    }

    /// An amount of money: 1 cent to the bank's largest single amount (422 `invalid-amount` outside it).
    private static let amount = JSONSchema.object(properties: ["amountCents": .integer(format: .int64, minimum: (1, false))])

    /// An account id: what fits in a stream id after `account-`.
    private static let idLimit = StreamID.maximumLength - "account-".utf8.count

    private static let accountID = OpenAPI.Parameter.path(
        name: "id", schema: .string(minLength: 1, maxLength: idLimit), description: "The account's id.")

    /// A command on the account the path names: 404 when it was never opened.
    private static func accountCommand(_ operationID: String, summary: String, body: JSONSchema, creates: Bool = false, rules: [String])
        -> RouteDocumentation
    {
        var documentation = RouteDocumentation.command(
            operationID,
            summary: summary,
            tags: ["accounts"],
            body: body,
            creates: creates,
            conditional: true,
            problems: [400: ["invalid-stream-id", "invalid-field"], 404: ["not-found"], 422: rules]
        )
        documentation.parameters.insert(accountID, at: 0)
        return documentation
    }

    static let open = RouteDocumentation.command(
        "openAccount",
        summary: "Opens an account for an owner",
        description: "With an `Idempotency-Key`, the account's id is derived from the key, so that a retry opens no second account.",
        tags: ["accounts"],
        body: .object(properties: ["owner": .string(minLength: 1, maxLength: 100)]),
        creates: true,
        problems: [400: ["invalid-field"], 422: ["account-already-open"]]
    )
    .linking("Deposit", to: "deposit", parameters: ["id": "$response.body#/id"])
    .linking("Balance", to: "getAccount", parameters: ["id": "$response.body#/id"])

    static let deposit = accountCommand("deposit", summary: "Deposits money", body: amount, rules: ["invalid-amount", "balance-limit"])
    static let withdraw = accountCommand(
        "withdraw",
        summary: "Withdraws money, down to the overdraft limit",
        body: amount,
        rules: ["invalid-amount", "insufficient-funds"]
    )
    static let transfer = accountCommand(
        "transfer",
        summary: "Sends money to another account; the transfer process credits it, or refunds a transfer to no account",
        body: .object(properties: ["to": .string(minLength: 1, maxLength: idLimit), "amountCents": .integer(format: .int64, minimum: (1, false))]),
        creates: true,
        rules: ["invalid-amount", "insufficient-funds"]
    )

    static let account = RouteDocumentation.query(
        "getAccount",
        summary: "An account's owner and balance",
        tags: ["accounts"],
        parameters: [accountID],
        result: APIComponents.schema("AccountBalance"),
        problems: [404: ["not-found"]]
    )

    static let ownerAccounts = RouteDocumentation.query(
        "listOwnerAccounts",
        summary: "An owner's accounts",
        tags: ["accounts"],
        result: .array(items: APIComponents.schema("AccountBalance"))
    )
}
