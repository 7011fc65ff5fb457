//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import ServiceLifecycle
import Strata
import StrataCommandLine
import StrataHTTP

/// The bank as a Strata application: what `bank serve` runs, and what the `bank projections` commands rebuild.
public struct BankApplication: StrataApplication {
    public static let summary = "the bank (accounts, deposits, withdrawals, transfers)"
    public static let commandName = "bank"

    @Option(
        name: .customLong("overdraft-limit"),
        help: ArgumentHelp("How far below zero, in cents, a withdrawal or a transfer may take a balance.", valueName: "cents")
    )
    public var overdraftLimitCents = 0

    public init() {}

    public func validate() throws {
        guard (0...Account.maximumBalanceCents).contains(overdraftLimitCents) else {
            throw ValidationError("--overdraft-limit is from 0 to \(Account.maximumBalanceCents) cents")
        }
    }

    public var projections: [any Projection] { [AccountBalances()] }

    public func services(in runtime: StrataRuntime) -> [any Service] {
        let commands = AccountCommands(store: runtime.store, overdraftLimitCents: overdraftLimitCents)
        var configuration = ProcessManagerRunner<TransferProcess>.Configuration()
        configuration.logger = runtime.logger
        return [
            ProcessManagerRunner(
                TransferProcess(),
                store: runtime.store,
                storage: runtime.processManagerStore,
                configuration: configuration,
                dispatch: { credit, context in try await commands.credit(credit, context: context) }
            )
        ]
    }

    public func addRoutes(to routes: StrataRoutes, runtime: StrataRuntime) {
        BankRoutes(
            commands: AccountCommands(store: runtime.store, overdraftLimitCents: overdraftLimitCents),
            runtime: runtime
        ).add(to: routes)
    }

    /// The bank's own error, a malformed field, is a 400 problem; Strata maps the rest (a DomainError is a 422
    /// whose `code` is the error's).
    public var problems: ProblemMapping {
        ProblemMapping { error in
            guard let invalid = error as? InvalidField else { return nil }
            return HTTPProblem(
                .badRequest,
                code: "invalid-field",
                title: "Invalid field",
                detail: invalid.message,
                members: ["field": .string(invalid.field)]
            )
        }
    }
}

/// A request field the bank cannot use.
public struct InvalidField: Error, Equatable {
    public var field: String
    public var message: String
}
