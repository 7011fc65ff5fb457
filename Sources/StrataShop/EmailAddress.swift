//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Crypto
import Foundation
import Strata

/// An email address that looks valid: one `@`, a non-empty local part, a domain with a dot, no whitespace.
///
/// Uniqueness compares the normalized form (trimmed, lower-cased).
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address as given, trimmed.
    public let value: String

    /// - Throws: InvalidField for `email` when the address does not look valid.
    public init(_ text: String) throws(InvalidField) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard trimmed.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty,
            parts[1].split(separator: ".", omittingEmptySubsequences: false).count >= 2,
            !parts[1].split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty),
            !trimmed.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control })
        else {
            throw InvalidField("email", "'\(text)' is not a valid email address")
        }
        value = trimmed
    }

    /// The form uniqueness is decided on.
    public var normalized: String { value.lowercased() }

    /// The reservation stream of this address: named by a keyed digest (HMAC-SHA256 under the store's digest
    /// secret), so that neither the address itself (personal data) nor a digest anyone could recompute from a
    /// guessed address appears in a stream id, which cannot be crypto-shredded and which `GET /events` shows.
    /// Without a digester (a store that keeps no subject keys) it is unkeyedReservationStream.
    public func reservationStream(digester: PersonalDataDigester?) async throws -> StreamID {
        guard let digester else { return unkeyedReservationStream }
        return StreamID(category: "emailreservation", id: try await digester.hexDigest(of: "email\u{0}\(normalized)"))
    }

    /// The reservation stream named by a plain SHA-256 of the address, where shops kept reservations before
    /// keyed digests: Shop still honours and releases reservations found there.
    public var unkeyedReservationStream: StreamID {
        let digest = SHA256.hash(data: Data(normalized.utf8)).map { String(format: "%02x", $0) }.joined()
        return StreamID(category: "emailreservation", id: digest)
    }

    public var description: String { value }
}
