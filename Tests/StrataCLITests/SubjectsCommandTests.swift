//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataSQLite
import Testing

@Suite("strata subjects forget", .timeLimit(.minutes(10)))
struct SubjectsCommandTests {
    @Test("reads show personal data decrypted, and redacted once the subject is forgotten; other fields stay")
    func forgetRedactsReads() async throws {
        try await TestStore.with { store in
            let sqlite = try await SQLiteEventStore.open(path: store.path)
            let protected = ProtectedEventStore(sqlite, rules: [PersonalDataRule(eventType: "CustomerRegistered", fields: ["name", "email"])])
            _ = try await protected.append(
                [NewEvent(type: "CustomerRegistered", data: Data(#"{"name":"Ada","email":"ada@example.com","tier":"gold"}"#.utf8))],
                to: "customer-1",
                expecting: .noStream
            )
            try sqlite.close()

            let before = try await store.read(["--stream", "customer-1"])
            #expect(before.first?["data"] as? [String: String] == ["name": "Ada", "email": "ada@example.com", "tier": "gold"])

            let forgot = try await store.run(["subjects", "forget", "customer-1"])
            #expect(forgot.status == 0, "\(forgot.stderr)")
            #expect(forgot.stdout == "forgot subject customer-1\n")

            for arguments in [["--stream", "customer-1"], ["--all"]] {
                let after = try await store.read(arguments)
                #expect(after.first?["data"] as? [String: String] == ["name": "[redacted]", "email": "[redacted]", "tier": "gold"])
                #expect(after.first?["version"] as? Int == 0)
                #expect(after.first?["position"] as? Int == 1)
            }
            let again = try await store.run(["subjects", "forget", "customer-1"])
            #expect(again.stdout == "subject customer-1 had no key; it is remembered as forgotten\n")
        }
    }
}
