//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// What a bearer token must say, beyond a valid signature and scope, for the service to accept it.
public struct TokenPolicy: Sendable {
    /// 24 hours: a leaked token stays useful for a day at most.
    public static let defaultMaximumLifetime: Duration = .seconds(24 * 3600)

    /// When set, a token's `iss` claim must be exactly this.
    public var issuer: String?
    /// When set, a token's `aud` claim must name this audience.
    public var audience: String?
    /// The longest a token may be valid: `exp − iat`, or `exp − now` when it has no `iat` (or one in the future).
    public var maximumLifetime: Duration = Self.defaultMaximumLifetime
    /// Whether a token without `exp` is accepted (it would be valid forever, whatever `maximumLifetime` says).
    public var allowsTokensWithoutExpiry = false

    public init() {}

    /// Why `claims` are refused, or `nil` when they are accepted. The signature, `exp` and `nbf` are checked
    /// before.
    func refusal(of claims: AccessClaims, now: Date = Date()) -> String? {
        if let issuer, claims.iss?.value != issuer { return "the bearer token has the wrong issuer" }
        if let audience, !(claims.aud?.value.contains(audience) ?? false) { return "the bearer token is for another audience" }
        guard let expiry = claims.exp?.value else {
            return allowsTokensWithoutExpiry ? nil : "the bearer token has no expiry"
        }
        // From the earlier of iat and now: a token "issued" in the future must not stretch its validity.
        let lifetime = expiry.timeIntervalSince(min(claims.iat?.value ?? now, now))
        let (seconds, attoseconds) = maximumLifetime.components
        if lifetime > Double(seconds) + Double(attoseconds) / 1e18 { return "the bearer token is valid for longer than the service accepts" }
        return nil
    }
}
