//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import JWTKit

/// `strata token`: signs a bearer token for a service started with an auth secret, for operators and scripts.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a bearer token (HS256 JWT) for a service that requires authentication.",
        discussion: """
            The secret is --auth-secret, else STRATA_AUTH_SECRET: the one `serve` was started with. Likewise \
            the issuer and audience (STRATA_AUTH_ISSUER, STRATA_AUTH_AUDIENCE), which the service checks when it \
            has them. The service refuses tokens valid for longer than its --auth-max-token-lifetime (24 hours by \
            default).
            """
    )

    @Option(help: ArgumentHelp("Space-separated scopes: read, write, admin.", valueName: "scopes"))
    var scope: String

    @Option(help: ArgumentHelp("The token's subject (`sub`), recorded in the metadata of the events it writes.", valueName: "name"))
    var subject = "operator"

    @Option(name: .customLong("expires-in"), help: ArgumentHelp("How long the token is valid: 3600, 15m, 12h, 1d.", valueName: "duration"))
    var expiresIn = DurationArgument(.seconds(3_600))

    @Option(name: .customLong("auth-secret"), help: ArgumentHelp("The service's secret (better: STRATA_AUTH_SECRET).", valueName: "secret"))
    var authSecret: String?

    @Option(name: .customLong("auth-issuer"), help: ArgumentHelp("The token's issuer (`iss`), or STRATA_AUTH_ISSUER.", valueName: "issuer"))
    var issuer: String?

    @Option(name: .customLong("auth-audience"), help: ArgumentHelp("The token's audience (`aud`), or STRATA_AUTH_AUDIENCE.", valueName: "audience"))
    var audience: String?

    func run() async throws {
        guard let secret = authSecret ?? ProcessInfo.processInfo.environment["STRATA_AUTH_SECRET"], !secret.isEmpty else {
            throw CLIError.badInput("no secret: pass --auth-secret or set STRATA_AUTH_SECRET")
        }
        guard secret.utf8.count >= 32 else { throw CLIError.badInput("the auth secret must have at least 32 bytes") }
        let scopes = scope.split(separator: " ").map(String.init)
        guard !scopes.isEmpty, scopes.allSatisfy(["read", "write", "admin"].contains) else {
            throw CLIError.badInput("scopes are read, write and admin, separated by spaces")
        }
        guard expiresIn.duration > .zero else { throw CLIError.badInput("--expires-in must be positive") }
        let environment = ProcessInfo.processInfo.environment
        func named(_ variable: String) -> String? { environment[variable].flatMap { $0.isEmpty ? nil : $0 } }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        let now = Date()
        let claims = IssuedClaims(
            sub: SubjectClaim(value: subject),
            iat: IssuedAtClaim(value: now),
            exp: ExpirationClaim(value: now.addingTimeInterval(Double(expiresIn.duration / .milliseconds(1)) / 1_000)),
            iss: (issuer ?? named("STRATA_AUTH_ISSUER")).map(IssuerClaim.init(value:)),
            aud: (audience ?? named("STRATA_AUTH_AUDIENCE")).map { AudienceClaim(value: [$0]) },
            scope: scopes.joined(separator: " ")
        )
        try StandardOutput.write(Data((try await keys.sign(claims) + "\n").utf8))
    }
}

/// The claims `strata token` signs: the ones the service reads.
private struct IssuedClaims: JWTPayload {
    var sub: SubjectClaim
    var iat: IssuedAtClaim
    var exp: ExpirationClaim
    var iss: IssuerClaim?
    var aud: AudienceClaim?
    var scope: String

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}
