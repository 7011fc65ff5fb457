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
}
