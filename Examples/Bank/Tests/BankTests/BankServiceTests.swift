//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Bank
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Strata
import StrataCommandLine
import StrataHTTP
import Testing

/// The bank served in process over in-memory stores, driven through Hummingbird's test client: its routes,
/// problems, read-your-writes and the transfer process.
@Suite("Bank service")
struct BankServiceTests {
    /// Runs `test` against a fresh bank service.
    func withBank(_ arguments: [String] = [], _ test: @Sendable (BankClient) async throws -> Void) async throws {
        let store = InMemoryEventStore()
        let service = await StrataService.make(
            try BankApplication.parse(arguments),
            store: store,
            processManagerStore: store,
            readStore: InMemoryReadStore(),
            logger: Logger(label: "bank.test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        try await service.application.test(.router) { client in
            // The projection runner starts with the service; until it has built the views, a query answers 503
            // view-not-built and so does readiness. A loaded test run can take seconds to get there.
            var polls = 0
            while try await client.execute(uri: "/health", method: .get).status != .ok {
                polls += 1
                try #require(polls < 6000, "the service was not ready within 30 s")
                try await Task.sleep(for: .milliseconds(5))
            }
            try await test(BankClient(client: client))
        }
    }

    @Test("the service's OpenAPI document lists the bank's routes, each with its contract, beside Strata's")
    func openAPIDocument() async throws {
        try await withBank { bank in
            let reply = try await bank.get("/openapi.json")
            #expect(reply.status == .ok)
            let paths = try #require(reply.json["paths"] as? [String: [String: Any]])
            let operations = paths.values.flatMap { $0.values.compactMap { $0 as? [String: Any] } }
            let ids = Set(operations.compactMap { $0["operationId"] as? String })
            #expect(ids.isSuperset(of: ["openAccount", "deposit", "withdraw", "transfer", "getAccount", "listOwnerAccounts", "readStream"]))
            #expect(ids.count == operations.count, "every operation, the bank's and Strata's, has an id")
            let undocumented = operations.filter { ($0["responses"] as? [String: Any])?["default"] != nil }
            #expect(undocumented.isEmpty, "routes registered without a contract: \(undocumented.compactMap { $0["summary"] })")
            #expect((reply.json["info"] as? [String: Any])?["title"] as? String == "bank")
        }
    }

    @Test("open, deposit, withdraw, then read the balance at the last command's position")
    func happyPath() async throws {
        try await withBank { bank in
            let id = try await bank.open("Ada")
            #expect(try await bank.post("/accounts/\(id)/deposits", #"{"amountCents":5000}"#).status == .ok)
            let withdrawal = try await bank.post("/accounts/\(id)/withdrawals", #"{"amountCents":1200}"#)
            #expect(withdrawal.status == .ok)

            let balance = try await bank.get("/accounts/\(id)", minimumPosition: withdrawal.position)
            #expect(balance.status == .ok)
            #expect(balance.json["balanceCents"] as? Int == 3_800)
            #expect(balance.json["owner"] as? String == "Ada")
        }
    }

    @Test("a transfer moves the money; one to an account that does not exist comes back")
    func transfers() async throws {
        try await withBank { bank in
            let ada = try await bank.open("Ada")
            let bob = try await bank.open("Bob")
            _ = try await bank.post("/accounts/\(ada)/deposits", #"{"amountCents":1000}"#)

            let sent = try await bank.post("/accounts/\(ada)/transfers", #"{"to":"\#(bob)","amountCents":400}"#)
            #expect(sent.status == .created)
            #expect(try await bank.eventually(balance: 400, of: bob))
            #expect(try await bank.eventually(balance: 600, of: ada))

            let lost = try await bank.post("/accounts/\(ada)/transfers", #"{"to":"nobody","amountCents":100}"#)
            #expect(lost.status == .created)
            // The refund may come before any read could see 500: the account's events show both steps.
            let refund = try #require(try await bank.eventually(lastEventOf: ada, is: "TransferRefunded"))
            #expect(refund.types.suffix(2) == ["TransferSent", "TransferRefunded"])
            let refunded = try await bank.get("/accounts/\(ada)", minimumPosition: refund.position)
            #expect(refunded.json["balanceCents"] as? Int == 600)
        }
    }

    @Test("rules and bad input are typed problems: 422 with the rule's code, 400, 404")
    func problems() async throws {
        try await withBank { bank in
            let id = try await bank.open("Ada")
            let overdrawn = try await bank.post("/accounts/\(id)/withdrawals", #"{"amountCents":1}"#)
            #expect(overdrawn.status == .unprocessableContent)
            #expect(overdrawn.json["code"] as? String == "insufficient-funds")

            let huge = try await bank.post("/accounts/\(id)/deposits", #"{"amountCents":9223372036854775807}"#)
            #expect(huge.status == .unprocessableContent)
            #expect(huge.json["code"] as? String == "invalid-amount")

            let unnamed = try await bank.post("/accounts", #"{"owner":"  "}"#)
            #expect(unnamed.status == .badRequest)
            #expect(unnamed.json["code"] as? String == "invalid-field")
            #expect(unnamed.json["field"] as? String == "owner")

            let toSelf = try await bank.post("/accounts/\(id)/transfers", #"{"to":"\#(id)","amountCents":1}"#)
            #expect(toSelf.status == .badRequest)

            let missing = try await bank.get("/accounts/nobody")
            #expect(missing.status == .notFound)
            #expect(missing.json["code"] as? String == "not-found")
            let depositToNobody = try await bank.post("/accounts/nobody/deposits", #"{"amountCents":1}"#)
            #expect(depositToNobody.status == .notFound)
        }
    }

    @Test("--overdraft-limit lets a balance go below zero, as far as the limit")
    func overdraftOption() async throws {
        try await withBank(["--overdraft-limit", "500"]) { bank in
            let id = try await bank.open("Ada")
            #expect(try await bank.post("/accounts/\(id)/withdrawals", #"{"amountCents":500}"#).status == .ok)
            #expect(try await bank.post("/accounts/\(id)/withdrawals", #"{"amountCents":1}"#).status == .unprocessableContent)
        }
        #expect(throws: (any Error).self) { try BankApplication.parse(["--overdraft-limit", "-1"]) }
    }

    @Test("the tool calls itself bank in its help")
    func commandName() {
        let help = StrataTool<BankApplication>.helpMessage()
        #expect(help.contains("USAGE: bank "))
        #expect(help.contains("the bank (accounts, deposits, withdrawals, transfers)"))
        #expect(!help.contains("strata"))
    }
}

/// A response with its body as a JSON object.
struct Reply: @unchecked Sendable {
    var status: HTTPResponse.Status
    var json: [String: Any]
    var position: Int { json["position"] as? Int ?? 0 }
}

struct BankClient: Sendable {
    let client: any TestClientProtocol

    func post(_ uri: String, _ json: String) async throws -> Reply {
        try await client.execute(uri: uri, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json)) {
            Self.reply($0)
        }
    }

    func get(_ uri: String, minimumPosition: Int? = nil) async throws -> Reply {
        var headers: HTTPFields = [:]
        if let minimumPosition { headers[.strataMinPosition] = "\(minimumPosition)" }
        return try await client.execute(uri: uri, method: .get, headers: headers) { Self.reply($0) }
    }

    /// Opens an account; returns its id.
    func open(_ owner: String) async throws -> String {
        let reply = try await post("/accounts", #"{"owner":"\#(owner)"}"#)
        try #require(reply.status == .created)
        return try #require(reply.json["id"] as? String)
    }

    /// Whether account `id` shows `balance` within 10 s: the transfer process runs after the command returned.
    func eventually(balance: Int, of id: String) async throws -> Bool {
        for _ in 0..<200 {
            if try await get("/accounts/\(id)").json["balanceCents"] as? Int == balance { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// The types of account `id`'s events and the position of the last, once its last event is of `type`;
    /// `nil` if it is not within 10 s.
    func eventually(lastEventOf id: String, is type: String) async throws -> (types: [String], position: Int)? {
        for _ in 0..<200 {
            let events = try await get("/streams/account-\(id)").json["events"] as? [[String: Any]] ?? []
            if let last = events.last, last["type"] as? String == type, let position = last["position"] as? Int {
                return (events.compactMap { $0["type"] as? String }, position)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    private static func reply(_ response: TestResponse) -> Reply {
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        return Reply(status: response.status, json: json)
    }
}
