//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import StrataTestSupport
import Testing

@Suite("strata serve with read replicas", .timeLimit(.minutes(5)))
struct ServeReadReplicaTests {
    @Test(
        "serve sends queries to a replica that answers, keeps read-your-writes exact, and starts and answers with a replica that is down",
        .enabled(if: TestPostgres.url != nil)
    )
    func replicasFromTheCommandLine() async throws {
        try await TestStore.with { store in
            let schema = uniqueSchema("rrep")
            let url = "\(TestPostgres.url!)&schema=\(schema)"
            let server = try #require(URLComponents(string: TestPostgres.url!))
            let answering = "127.0.0.1:\(server.port ?? 5432)/postgres"
            // The primary's own database stands in for a hot standby here: what is tested is serve's wiring (a real
            // streaming replica is in the PostgreSQL tests). Port 1 stands for a replica that is down.
            let down = "postgres://strata@127.0.0.1:1/postgres?sslmode=disable"
            let service = try await ServeProcess.start(
                ["--store", url, "--read-replica", TestPostgres.url!, "--read-replica", down],
                in: store.folder
            )
            try await eventually("the answering replica to get queries", within: .seconds(20), every: .milliseconds(100)) {
                try await service.request("GET", "/metrics").text.contains("strata_read_replica_available{replica=\"\(answering)\"} 1")
            }
            for name in ["Ada", "Grace", "Edsger"] {
                let created = try await service.request("POST", "/customers", json: "{\"name\":\"\(name)\",\"email\":\"\(name)@example.com\"}")
                let id = try #require(created.json["id"] as? String)
                let position = try #require(created.json["position"] as? Int)
                let orders = try await service.request("GET", "/customers/\(id)/orders", headers: ["Strata-Min-Position": "\(position)"])
                #expect(orders.status == 200, "\(orders.text)")
            }
            let metrics = try await service.request("GET", "/metrics").text
            #expect(metrics.contains("strata_read_replica_queries_total{replica=\"\(answering)\"} 3"), "\(metrics)")
            #expect(metrics.contains("strata_read_replica_available{replica=\"127.0.0.1:1/postgres\"} 0"), "\(metrics)")
            #expect(!metrics.contains("strata_read_replica_queries_total{replica=\"127.0.0.1:1/postgres\"} 1"))
            // Readiness lists the replicas, and one that is down does not make the service unready.
            let replicas = try await eventually("readiness to list both replicas as checked", within: .seconds(20), every: .milliseconds(100)) {
                let health = try await service.request("GET", "/health")
                let replicas = health.json["readReplicas"] as? [[String: Any]] ?? []
                return health.status == 200 && replicas.map({ $0["status"] as? String }) == ["available", "unavailable"] ? replicas : nil
            }
            #expect(replicas.map { $0["name"] as? String } == [answering, "127.0.0.1:1/postgres"])
            #expect(replicas.first?["lagEvents"] as? Int == 0)
            #expect(await service.stop() == 0)
        }
    }
}
