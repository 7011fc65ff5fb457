//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import StrataHTTP
import Testing

@testable import StrataCommandLine

@Suite("serve's token options and the unauthenticated-exposure guard", .timeLimit(.minutes(10)))
struct ServeAuthOptionsTests {
    static func resolve(_ arguments: [String], host: String, secret: String? = nil, environment: [String: String] = [:]) throws
        -> StrataHTTPConfiguration
    {
        var http = StrataHTTPConfiguration()
        http.host = host
        http.authSecret = secret
        try ServeAuthOptions.parse(arguments).apply(to: &http) { environment[$0] }
        return http
    }

    @Test("loopback binds without a secret; any other address needs a secret or --allow-unauthenticated")
    func exposure() throws {
        for host in ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"] {
            #expect(throws: Never.self, "\(host)") { try Self.resolve([], host: host) }
        }
        for host in ["0.0.0.0", "::", "192.168.1.20", "shop.example.com"] {
            #expect(throws: CLIError.self, "\(host)") { try Self.resolve([], host: host) }
            #expect(throws: Never.self) { try Self.resolve(["--allow-unauthenticated"], host: host) }
            #expect(throws: Never.self) { try Self.resolve([], host: host, secret: String(repeating: "s", count: 32)) }
        }
    }

    @Test("issuer, audience, lifetime and tokens without expiry, from options or the environment; a day by default")
    func tokenPolicy() throws {
        let defaults = try Self.resolve([], host: "127.0.0.1").tokens
        #expect(defaults.issuer == nil && defaults.audience == nil)
        #expect(defaults.maximumLifetime == .seconds(86_400))
        #expect(defaults.allowsTokensWithoutExpiry == false)

        let options = try Self.resolve(
            ["--auth-issuer", "iss", "--auth-audience", "aud", "--auth-max-token-lifetime", "600", "--auth-allow-tokens-without-expiry"],
            host: "127.0.0.1",
            environment: ["STRATA_AUTH_ISSUER": "other", "STRATA_AUTH_MAX_TOKEN_LIFETIME": "60"]
        ).tokens
        #expect(options.issuer == "iss" && options.audience == "aud")
        #expect(options.maximumLifetime == .seconds(600))
        #expect(options.allowsTokensWithoutExpiry)

        let environment = try Self.resolve(
            [],
            host: "127.0.0.1",
            environment: ["STRATA_AUTH_ISSUER": "iss", "STRATA_AUTH_AUDIENCE": "aud", "STRATA_AUTH_MAX_TOKEN_LIFETIME": "60"]
        ).tokens
        #expect(environment.issuer == "iss" && environment.audience == "aud")
        #expect(environment.maximumLifetime == .seconds(60))

        #expect(throws: CLIError.self) { try Self.resolve(["--auth-max-token-lifetime", "0"], host: "127.0.0.1") }
        #expect(throws: CLIError.self) { try Self.resolve([], host: "127.0.0.1", environment: ["STRATA_AUTH_MAX_TOKEN_LIFETIME": "a day"]) }
    }
}
