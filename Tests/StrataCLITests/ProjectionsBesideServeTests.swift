//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import StrataTestSupport
import Testing

/// The projection commands steering the projection of a `strata serve` that runs beside them, idle.
@Suite("strata projections beside a running service", .timeLimit(.minutes(10)))
struct ProjectionsBesideServeTests {
    /// Registers a customer and waits until the views have it; returns the event's position.
    private static func registerCustomer(_ service: ServeProcess) async throws -> Int {
        let created = try await service.request("POST", "/customers", json: #"{"name":"Ada","email":"ada@example.com"}"#)
        let id = try #require(created.json["id"] as? String)
        let position = try #require(created.json["position"] as? Int)
        #expect(try await service.request("GET", "/customers/\(id)/orders", headers: ["Strata-Min-Position": "\(position)"]).status == 200)
        return position
    }

    /// Reads `projections status --json` until `condition` holds for the only projection, for at most 15 s.
    private static func waitForStatus(
        _ run: ([String]) async throws -> StrataResult,
        sourceLocation: SourceLocation = #_sourceLocation,
        until condition: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        try await eventually("the projection's status to change", within: .seconds(15), every: .milliseconds(200)) {
            let result = try await run(["projections", "status", "--json"])
            let status = try #require(
                (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])?.first,
                sourceLocation: sourceLocation
            )
            return condition(status) ? status : nil
        }
    }

    @Test("on SQLite, an idle service takes up a rebuild requested with --no-wait, and a reset")
    func sqliteNoWait() async throws {
        try await TestStore.with { store in
            let service = try await ServeProcess.start(["--store", store.url], in: store.folder)
            let head = try await Self.registerCustomer(service)

            let requested = try await store.run(["projections", "rebuild", "shop-views", "--no-wait"])
            #expect(requested.status == 0, "\(requested.stderr)")
            // No event follows: only the registry tells the service.
            let rebuilt = try await Self.waitForStatus(store.run) { $0["generation"] as? Int == 2 && $0["rebuildCheckpoint"] is NSNull }
            #expect(rebuilt["generation"] as? Int == 2, "the service switched to the rebuilt generation: \(rebuilt)")
            #expect(rebuilt["checkpoint"] as? Int == head)

            let reset = try await store.run(["projections", "reset", "shop-views", "--to", "0"])
            #expect(reset.status == 0, "\(reset.stderr)")
            #expect(reset.stderr == "reset shop-views to position 0\n")
            let caughtUp = try await Self.waitForStatus(store.run) { $0["checkpoint"] as? Int == head }
            #expect(caughtUp["checkpoint"] as? Int == head, "the service applied the events after the reset again: \(caughtUp)")

            let beyond = try await store.run(["projections", "reset", "shop-views", "--to", "\(head + 10)"])
            #expect(beyond.status == 1)
            #expect(beyond.stderr == "error: --to \(head + 10) is beyond the head of the log, \(head)\n")
            #expect(await service.stop() == 0)
        }
    }

    @Test(
        "on PostgreSQL, rebuild leaves the work to the service that holds the lease and follows its progress",
        .enabled(if: TestPostgres.url != nil)
    )
    func postgresLease() async throws {
        try await TestStore.with { store in
            let schema = uniqueSchema("opsl")
            let url = "\(TestPostgres.url!)&schema=\(schema)"
            let service = try await ServeProcess.start(["--store", url], in: store.folder)
            let head = try await Self.registerCustomer(service)

            let rebuild = try await StrataProcess.run(["projections", "rebuild", "shop-views", "--store", url], in: store.folder)
            #expect(rebuild.status == 0, "\(rebuild.stderr)")
            #expect(rebuild.stderr.contains("which holds its lease: following its progress"), "\(rebuild.stderr)")
            #expect(rebuild.stderr.contains("rebuilt shop-views: generation 2, checkpoint \(head)"), "\(rebuild.stderr)")

            let stats = try await StrataProcess.run(["stats", "--json", "--store", url], in: store.folder)
            #expect(stats.status == 0, "\(stats.stderr)")
            let events = try #require(try stats.jsonObject()["eventStore"] as? [String: Any])
            #expect(events["head"] as? Int == head)
            #expect((events["sizeBytes"] as? Int ?? 0) > 0, "the schema's tables take room")
            #expect(await service.stop() == 0)
        }
    }
}
