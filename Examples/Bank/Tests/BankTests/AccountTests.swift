//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Bank
import Strata
import Testing

/// The account's rules, through Strata's command handler on the in-memory event store.
@Suite("Account")
struct AccountTests {
    let store = InMemoryEventStore()

    @Test("deposits and withdrawals change the balance the account's events fold to")
    func balance() async throws {
        let accounts = AccountCommands(store: store).handler
        let stream = try Accounts.stream("a-1")
        _ = try await accounts.handle(.open(owner: "Ada"), on: stream)
        _ = try await accounts.handle(.deposit(amountCents: 5_000), on: stream)
        let result = try await accounts.handle(.withdraw(amountCents: 1_200), on: stream)

        #expect(result.streamVersion == StreamVersion(2))
        let account = try await accounts.load(stream)
        #expect(account.state == Account.State(isOpen: true, owner: "Ada", balanceCents: 3_800))
    }

    @Test("a withdrawal beyond the balance and the overdraft limit is refused, and appends nothing")
    func overdraft() async throws {
        let accounts = AccountCommands(store: store, overdraftLimitCents: 1_000).handler
        let stream = try Accounts.stream("a-1")
        _ = try await accounts.handle(.open(owner: "Ada"), on: stream)
        _ = try await accounts.handle(.withdraw(amountCents: 1_000), on: stream)

        await #expect(throws: DomainError("the balance of -1000 cents does not cover 1 cents", code: "insufficient-funds")) {
            try await accounts.handle(.withdraw(amountCents: 1), on: stream)
        }
        #expect(try await accounts.load(stream).state.balanceCents == -1_000)
        #expect(try await store.readStream(stream).count == 2)
    }

    @Test("amounts outside 1 cent to the limit are refused", arguments: [0, -5, Account.maximumAmountCents + 1, Int.max, Int.min])
    func amounts(amount: Int) async throws {
        let accounts = AccountCommands(store: store).handler
        let stream = try Accounts.stream("a-1")
        _ = try await accounts.handle(.open(owner: "Ada"), on: stream)
        for command in [Account.Command.deposit(amountCents: amount), .withdraw(amountCents: amount)] {
            let error = await #expect(throws: DomainError.self) { try await accounts.handle(command, on: stream) }
            #expect(error?.code == "invalid-amount")
        }
    }

    @Test("only an open account takes commands, and it opens once")
    func lifecycle() async throws {
        let accounts = AccountCommands(store: store).handler
        let stream = try Accounts.stream("a-1")
        let unknown = await #expect(throws: DomainError.self) { try await accounts.handle(.deposit(amountCents: 1), on: stream) }
        #expect(unknown?.code == "unknown-account")
        _ = try await accounts.handle(.open(owner: "Ada"), on: stream)
        let again = await #expect(throws: DomainError.self) { try await accounts.handle(.open(owner: "Bob"), on: stream) }
        #expect(again?.code == "account-already-open")
    }

    @Test("a command repeated with its idempotency key takes effect once")
    func idempotency() async throws {
        let accounts = AccountCommands(store: store).handler
        let stream = try Accounts.stream("a-1")
        _ = try await accounts.handle(.open(owner: "Ada"), on: stream)
        let first = try await accounts.handle(.deposit(amountCents: 700), on: stream, idempotencyKey: "deposit-1")
        let retry = try await accounts.handle(.deposit(amountCents: 700), on: stream, idempotencyKey: "deposit-1")

        #expect(retry.isReplay && retry.position == first.position)
        #expect(try await accounts.load(stream).state.balanceCents == 700)
    }
}
