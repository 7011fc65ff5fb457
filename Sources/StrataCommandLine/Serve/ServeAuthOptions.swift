//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import StrataHTTP

/// `serve`'s options about bearer tokens beyond the secret, and about serving without one.
struct ServeAuthOptions: ParsableArguments {
    @Option(
        name: .customLong("auth-issuer"),
        help: ArgumentHelp("Accept only tokens whose `iss` claim is this (or STRATA_AUTH_ISSUER).", valueName: "issuer")
    )
    var issuer: String?

    @Option(
        name: .customLong("auth-audience"),
        help: ArgumentHelp("Accept only tokens whose `aud` claim names this (or STRATA_AUTH_AUDIENCE).", valueName: "audience")
    )
    var audience: String?

    @Option(
        name: .customLong("auth-max-token-lifetime"),
        help: ArgumentHelp(
            "Refuse tokens valid for longer than this, from `iat` (or now) to `exp`; or STRATA_AUTH_MAX_TOKEN_LIFETIME. Default: 1d.",
            valueName: "duration"
        )
    )
    var maxTokenLifetime: DurationArgument?

    @Flag(name: .customLong("auth-allow-tokens-without-expiry"), help: "Accept tokens that have no `exp` claim.")
    var allowTokensWithoutExpiry = false

    @Flag(
        name: .customLong("allow-unauthenticated"),
        help: "Serve without an auth secret on an address other than loopback: anyone who reaches it may do anything."
    )
    var allowUnauthenticated = false

    /// Resolves the token policy into `http`, and refuses to expose an unauthenticated service by accident.
    func apply(to http: inout StrataHTTPConfiguration, environment named: (String) -> String?) throws(CLIError) {
        var tokens = TokenPolicy()
        tokens.issuer = issuer ?? named("STRATA_AUTH_ISSUER")
        tokens.audience = audience ?? named("STRATA_AUTH_AUDIENCE")
        let environmentLifetime = try named("STRATA_AUTH_MAX_TOKEN_LIFETIME").map(Self.lifetime)
        if let lifetime = maxTokenLifetime ?? environmentLifetime {
            guard lifetime.duration > .zero else { throw .badInput("the maximum token lifetime must be positive") }
            tokens.maximumLifetime = lifetime.duration
        }
        tokens.allowsTokensWithoutExpiry = allowTokensWithoutExpiry
        http.tokens = tokens
        if http.authSecret == nil && !allowUnauthenticated && !Self.isLoopback(http.host) {
            throw .badInput(
                "refusing to serve \(http.host) without authentication: set STRATA_AUTH_SECRET (or --auth-secret), "
                    + "bind 127.0.0.1, or pass --allow-unauthenticated to accept that anyone who reaches it may do anything"
            )
        }
    }

    private static func lifetime(_ text: String) throws(CLIError) -> DurationArgument {
        guard let lifetime = DurationArgument(argument: text) else {
            throw .badInput("STRATA_AUTH_MAX_TOKEN_LIFETIME must be a duration such as 3600, 12h or 1d, not '\(text)'")
        }
        return lifetime
    }

    /// Whether `host` is reachable only from this machine.
    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
