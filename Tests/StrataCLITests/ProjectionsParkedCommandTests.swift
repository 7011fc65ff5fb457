//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import StrataSQLite
import Testing

@Suite("strata projections parked and replay-parked on an event the shop's views cannot read", .timeLimit(.minutes(10)))
struct ProjectionsParkedCommandTests {
    /// A store with a good customer and a malformed one, and an empty read store beside it.
    private static func poisonedStore(_ store: TestStore) async throws -> [String] {
        let readPath = store.folder.appendingPathComponent("read.sqlite").path
        try await SQLiteReadStore.open(path: readPath).close()
        let good = try await store.append(
            stream: "customer-ada", type: "CustomerRegistered", data: #"{"customerId":"ada","name":"Ada","email":"a@x.io"}"#)
        #expect(good.status == 0, "\(good.stderr)")
        // The views decode every CustomerRegistered: one without its fields fails every attempt and is parked.
        let poison = try await store.append(stream: "customer-bad", type: "CustomerRegistered", data: #"{"unexpected":true}"#)
        #expect(poison.status == 0, "\(poison.stderr)")
        return ["--read-store", "sqlite:\(readPath)"]
    }

    @Test("a rebuild parks the malformed event; parked lists it with its error; replay keeps it parked and counts the attempt")
    func poisonEvent() async throws {
        try await TestStore.with { store in
            let readStore = try await Self.poisonedStore(store)
            let rebuild = try await store.run(["projections", "rebuild", "shop-views"] + readStore)
            #expect(rebuild.status == 0, "a parked event does not stop the rebuild: \(rebuild.stderr)")
            #expect(rebuild.stderr.contains("rebuilt shop-views: generation 2"))

            let table = try await store.run(["projections", "parked", "shop-views"] + readStore)
            #expect(table.status == 0, "\(table.stderr)")
            let rows = table.stdout.split(separator: "\n")
            #expect(rows.count == 2, "a header and one parked event: \(table.stdout)")
            #expect(rows.first?.hasPrefix("POSITION") == true)
            #expect(rows.last?.hasPrefix("2 ") == true && rows.last?.contains("customer-bad") == true)

            let json = try await store.run(["projections", "parked", "shop-views", "--json"] + readStore)
            let parked = try #require(try json.jsonLines().first)
            let event = try #require(parked["event"] as? [String: Any])
            #expect(event["stream"] as? String == "customer-bad")
            #expect(event["position"] as? Int == 2)
            #expect(parked["attempts"] as? Int == 3, "the default policy tries three times before parking")
            #expect((parked["error"] as? String)?.isEmpty == false)
            #expect(parked["parkedAt"] is String)

            let replay = try await store.run(["projections", "replay-parked", "shop-views"] + readStore)
            #expect(replay.status == 0, "\(replay.stderr)")
            #expect(replay.stdout == "replayed 0 parked events of shop-views; 1 still parked\n")
            let again = try await store.run(["projections", "parked", "shop-views", "--json"] + readStore)
            #expect(try again.jsonLines().first?["attempts"] as? Int == 4)

            let stats = try await store.run(["stats", "--json"] + readStore).jsonObject()
            let projections = (stats["readStore"] as? [String: Any])?["projections"] as? [[String: Any]]
            #expect(projections?.first?["parkedCount"] as? Int == 1)
        }
    }

    @Test("parked and replay-parked refuse an unknown projection and a missing read store")
    func errors() async throws {
        try await TestStore.with { store in
            let readStore = try await Self.poisonedStore(store)
            for command in ["parked", "replay-parked"] {
                let unknown = try await store.run(["projections", command, "nope"] + readStore)
                #expect(unknown.status == 1)
                #expect(unknown.stderr == "error: there is no projection 'nope': this application has shop-views\n")
                let missing = try await store.run(["projections", command, "shop-views", "--read-store", "sqlite:\(store.folder.path)/none.sqlite"])
                #expect(missing.status == 1)
                #expect(missing.stderr.contains("no read store at \(store.folder.path)/none.sqlite"))
                #expect(!FileManager.default.fileExists(atPath: "\(store.folder.path)/none.sqlite"), "never created")
            }
        }
    }
}
