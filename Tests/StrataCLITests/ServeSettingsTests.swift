//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import StrataShopService
import Testing

@testable import StrataCommandLine

@Suite("serve's limits and durations, from options or the environment", .timeLimit(.minutes(10)))
struct ServeSettingsTests {
    static func settings(_ arguments: [String], environment: [String: String] = [:]) throws -> ServeSettings {
        try ServeSettings(
            command: ServeCommand<ShopApplication>.parse(["--store", "sqlite:/tmp/unused.sqlite"] + arguments), environment: environment)
    }

    @Test("the defaults: 512 connections, 30 s idle, 128 event streams, 5 s read timeout, hourly outcome purges")
    func defaults() throws {
        let settings = try Self.settings([])
        #expect(settings.http.maxConnections == 512)
        #expect(settings.http.idleTimeout == .seconds(30))
        #expect(settings.http.maxEventStreams == 128)
        #expect(settings.readTimeout == .seconds(5))
        #expect(settings.outcomePurgeInterval == .seconds(3_600))
    }

    @Test("options win over the environment; durations take units")
    func options() throws {
        let settings = try Self.settings(
            ["--max-connections", "64", "--idle-timeout", "250ms", "--read-timeout", "2m", "--outcome-purge-interval", "1h"],
            environment: ["STRATA_MAX_CONNECTIONS": "8", "STRATA_MAX_EVENT_STREAMS": "16", "STRATA_IDLE_TIMEOUT": "1h"]
        )
        #expect(settings.http.maxConnections == 64)
        #expect(settings.http.maxEventStreams == 16)
        #expect(settings.http.idleTimeout == .milliseconds(250))
        #expect(settings.readTimeout == .seconds(120))
        #expect(try Self.settings(["--idle-timeout", "0"]).http.idleTimeout == nil, "0 never closes idle connections")
    }

    @Test(
        "bad values are refused with a message, not trapped on",
        arguments: [
            (["--max-connections", "0"], [:]), (["--max-event-streams=-1"], [:]), (["--max-event-streams", "512"], [:]),
            (["--max-connections", "10", "--max-event-streams", "10"], [:]), ([], ["STRATA_IDLE_TIMEOUT": "soon"]),
            ([], ["STRATA_READ_TIMEOUT": "-5"]), ([], ["STRATA_MAX_CONNECTIONS": "99999999999999999999"]),
            (["--outcome-purge-interval", "0s"], [:]), ([], ["STRATA_AUTH_MAX_TOKEN_LIFETIME": "1e9"]),
        ] as [([String], [String: String])]
    )
    func refused(arguments: [String], environment: [String: String]) {
        #expect(throws: CLIError.self) { try Self.settings(arguments, environment: environment) }
    }

    @Test("options that are not durations are refused by the parser")
    func unparsable() {
        for option in ["--idle-timeout", "--read-timeout", "--payment-timeout", "--auth-max-token-lifetime"] {
            #expect(throws: (any Error).self, "\(option)") { try Self.settings([option, "1h30m"]) }
        }
    }

    @Test("read replicas: repeatable or listed in the environment, on the read store's schema unless named, without credentials in their names")
    func readReplicas() throws {
        let primary = ["--store", "postgres://app:secret@db:5432/shop?schema=shop"]
        let settings = try Self.settings(
            primary + ["--read-replica", "postgres://app:secret@standby-1/shop", "--read-replica", "postgres://app@standby-2:6432/shop?schema=views"]
        )
        #expect(settings.readReplicas.map(\.name) == ["standby-1:5432/shop", "standby-2:6432/shop"])
        #expect(settings.readReplicas[0].url == "postgres://app:secret@standby-1/shop?schema=shop_read")
        #expect(settings.readReplicas[1].url.hasSuffix("?schema=views"))
        #expect(settings.readReplicaMaxLag == 1_000)

        let fromEnvironment = try Self.settings(
            primary,
            environment: ["STRATA_READ_REPLICAS": " postgres://a/shop , ,postgres://b/shop", "STRATA_READ_REPLICA_MAX_LAG": "0"]
        )
        #expect(fromEnvironment.readReplicas.map(\.name) == ["a:5432/shop", "b:5432/shop"])
        #expect(fromEnvironment.readReplicaMaxLag == 0)
        #expect(try Self.settings(primary).readReplicas.isEmpty)
    }

    @Test(
        "read replicas that cannot be are refused with a message",
        arguments: [
            // A SQLite read store has no replicas.
            ["--read-replica", "postgres://standby/shop"],
            ["--store", "postgres://db/shop", "--read-replica", "sqlite:/tmp/copy.sqlite"],
            ["--store", "postgres://db/shop", "--read-replica", "mysql://standby/shop"],
            ["--store", "postgres://db/shop", "--read-replica", "postgres://standby/shop", "--read-replica-max-lag=-1"],
        ]
    )
    func refusedReadReplicas(arguments: [String]) {
        #expect(throws: CLIError.self) { try Self.settings(arguments) }
    }
}
