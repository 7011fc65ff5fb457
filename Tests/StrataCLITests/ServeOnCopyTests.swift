//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import StrataTestSupport
import Testing

@Suite("strata serve on a copy of a store gives the same answers", .timeLimit(.minutes(10)))
struct ServeOnCopyTests {
    @Test("a paid order, its customer's orders and the daily sales read the same on a copy, and the copy keeps the email taken")
    func sameAnswers() async throws {
        try await TestStore.with { store in
            let copyFolder = store.folder.appendingPathComponent("copy")
            try await Self.sameAnswers(from: store, copyURL: "sqlite:\(copyFolder.appendingPathComponent("events.sqlite").path)")
        }
    }

    @Test("the shop moved from SQLite to PostgreSQL with one command serves the same answers", .enabled(if: TestPostgres.isAvailable))
    func sameAnswersOnPostgres() async throws {
        try await TestStore.with { store in
            let schema = uniqueSchema("moved")
            defer {
                Task {
                    try? await TestPostgres.dropSchema(schema)
                    try? await TestPostgres.dropSchema("\(schema)_read")
                }
            }
            try await Self.sameAnswers(from: store, copyURL: "\(TestPostgres.url!)&schema=\(schema)")
        }
    }

    /// Serves the shop on `store`, pays an order, copies the store to `copyURL`, serves the copy and compares.
    private static func sameAnswers(from store: TestStore, copyURL: String) async throws {
        let original = try await ServeProcess.start(["--store", store.url], in: store.folder)
        let customer = try await original.request("POST", "/customers", json: #"{"name":"Ada Lovelace","email":"ada@example.com"}"#)
        let customerID = try #require(customer.json["id"] as? String)
        let order = try #require(try await original.request("POST", "/orders", json: "{\"customerId\":\"\(customerID)\"}").json["id"] as? String)
        let line = #"{"sku":"book","quantity":2,"unitPriceCents":1250}"#
        let added = try await original.request("POST", "/orders/\(order)/lines", json: line, headers: ["Idempotency-Key": "line-1"])
        #expect(added.status == 200)
        #expect(try await original.request("POST", "/orders/\(order)/confirm").status == 200)
        #expect(try await original.request("POST", "/orders/\(order)/payments", json: #"{"amountCents":2500}"#).status == 201)
        // The process manager marks the order paid; the view shows it once the projection has caught up.
        try await eventually("the order paid", within: .seconds(20)) {
            try await original.request("GET", "/orders/\(order)").json["status"] as? String == "paid"
        }
        let paths = ["/orders/\(order)", "/customers/\(customerID)/orders", "/reports/daily-sales"]
        var answers: [String: String] = [:]
        for path in paths { answers[path] = try await original.request("GET", path).text }
        let duplicate = try await original.request("POST", "/customers", json: #"{"name":"Another","email":"ada@example.com"}"#)
        #expect(duplicate.status >= 400, "the email is taken")
        #expect(await original.stop() == 0)

        let copy = try await StrataProcess.run(["copy", "--from", store.url, "--to", copyURL], in: store.folder)
        #expect(copy.status == 0, "\(copy.stderr)")

        let served = try await ServeProcess.start(["--store", copyURL], in: store.folder)
        // The copy's read store is new: its views are rebuilt from the copied log.
        try await eventually("the copy's views rebuilt", within: .seconds(20)) {
            try await served.request("GET", "/orders/\(order)").text == answers["/orders/\(order)"]
        }
        for path in paths {
            #expect(try await served.request("GET", path).text == answers[path], "\(path)")
        }
        // The command outcome came along: the keyed command retried against the copy gets its first reply, where
        // running it again would be refused (the order is paid).
        let retried = try await served.request("POST", "/orders/\(order)/lines", json: line, headers: ["Idempotency-Key": "line-1"])
        #expect(retried.status == 200, "\(retried.text)")
        #expect(retried.text == added.text)
        #expect(retried.headers.first { $0.key.lowercased() == "idempotent-replayed" }?.value == "true")
        // The copy decrypts the customer's name, and its digests of personal data match: the email stays taken.
        #expect(answers["/orders/\(order)"]?.contains("Ada Lovelace") == true)
        let again = try await served.request("POST", "/customers", json: #"{"name":"Another","email":"ada@example.com"}"#)
        #expect(again.status == duplicate.status)
        #expect(await served.stop() == 0)
    }
}
