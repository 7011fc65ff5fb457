//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Crypto
import Foundation
import Synchronization

/// Keyed digests (HMAC-SHA256) of values that stand for personal data, under the secret a ``SubjectKeyStore`` keeps
/// (``SubjectKeyStore/digestSecret()``).
///
/// Use one where a digest of personal data must be stored or shown in plain: in a stream id, which cannot be
/// crypto-shredded, or in a fingerprint of a command. A plain SHA-256 of an email address is reversed by hashing
/// a list of addresses; an HMAC needs the secret too.
///
/// ```swift
/// let digester = PersonalDataDigester(keys: store)
/// let id = try await digester.hexDigest(of: "ada@example.com")   // 64 hex digits
/// ```
///
/// The secret is loaded once and then kept in memory, so one digester should be shared.
public final class PersonalDataDigester: Sendable {
    /// Where the secret is.
    public let keys: any SubjectKeyStore
    private let secret = Mutex<SymmetricKey?>(nil)

    public init(keys: any SubjectKeyStore) {
        self.keys = keys
    }

    /// The HMAC-SHA256 of `text`'s UTF-8 bytes, as 64 lower-case hex digits.
    public func hexDigest(of text: String) async throws -> String {
        let key = try await key()
        return HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key).map { String(format: "%02x", $0) }.joined()
    }

    private func key() async throws -> SymmetricKey {
        if let key = secret.withLock({ $0 }) { return key }
        let key = SymmetricKey(data: try await keys.digestSecret())
        secret.withLock { $0 = key }
        return key
    }

    /// The digester for `store`: a ``ProtectedEventStore``'s shared one, or a new one over a store that is itself a
    /// ``SubjectKeyStore`` (every Strata backend); `nil` for a store that keeps no subject keys.
    public static func of(_ store: any EventStore) -> PersonalDataDigester? {
        if let protected = store as? any DigesterProviding { return protected.digester }
        if let keys = store as? any SubjectKeyStore { return PersonalDataDigester(keys: keys) }
        return nil
    }
}

/// A store that shares one ``PersonalDataDigester`` among its users.
protocol DigesterProviding {
    var digester: PersonalDataDigester { get }
}
