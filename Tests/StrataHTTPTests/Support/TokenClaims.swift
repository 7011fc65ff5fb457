//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import JWTKit

/// Any claims a test token may carry, each optional, so that tests can leave out what a service requires.
struct AnyClaims: JWTPayload {
    var sub: SubjectClaim? = SubjectClaim(value: "tester")
    var iat: IssuedAtClaim?
    var exp: ExpirationClaim?
    var iss: IssuerClaim?
    var aud: AudienceClaim?
    var scope: String?

    /// A token granting `scope` that expires in `seconds`.
    static func expiring(in seconds: TimeInterval, scope: String) -> AnyClaims {
        AnyClaims(exp: ExpirationClaim(value: Date().addingTimeInterval(seconds)), scope: scope)
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// `Authorization: Bearer …` for `claims` signed with `secret`.
func bearer(_ claims: AnyClaims, secret: String = AuthenticationTests.secret) async throws -> HTTPFields {
    let keys = JWTKeyCollection()
    await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
    return [.authorization: "Bearer \(try await keys.sign(claims))"]
}
