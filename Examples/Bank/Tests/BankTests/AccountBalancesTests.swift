//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Bank
import Foundation
import Logging
import ServiceLifecycle
import Strata
import Testing

/// The balance projection and its queries, run by a projection runner over in-memory stores.
@Suite("Account balances")
struct AccountBalancesTests {
    @Test("a query after a command sees it, waiting for the projection through the command's position")
    func readYourWrites() async throws {
        let store = InMemoryEventStore()
        let readStore = InMemoryReadStore()
        let runner = ProjectionRunner(store: store, readStore: readStore, projections: [AccountBalances()])
        let queries = QueryHandler(readStore: readStore, progress: runner.progress)
        let accounts = AccountCommands(store: store).handler

        try await withRunning(runner) {
            _ = try await accounts.handle(.open(owner: "Ada"), on: try Accounts.stream("a-1"))
            _ = try await accounts.handle(.open(owner: "Ada"), on: try Accounts.stream("a-2"))
            let deposit = try await accounts.handle(.deposit(amountCents: 2_500), on: try Accounts.stream("a-2"))

            let balance = try await queries.ask(BalanceQuery(accountID: "a-2"), minimumPosition: deposit.position)
            #expect(balance == AccountBalance(id: "a-2", owner: "Ada", balanceCents: 2_500))
            let owned = try await queries.ask(OwnerAccountsQuery(owner: "Ada"), minimumPosition: deposit.position)
            #expect(owned.map(\.id) == ["a-1", "a-2"])
            #expect(try await queries.ask(BalanceQuery(accountID: "a-3"), minimumPosition: deposit.position) == nil)
        }
    }
}

/// Runs `services` for the duration of `body`, then shuts them down gracefully.
func withRunning<Result: Sendable>(
    _ services: any Service...,
    body: () async throws -> Result
) async throws -> Result {
    let group = ServiceGroup(services: services, logger: Logger(label: "bank.test", factory: { _ in SwiftLogNoOpLogHandler() }))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let result = try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            tasks.cancelAll()
            throw error
        }
    }
}
