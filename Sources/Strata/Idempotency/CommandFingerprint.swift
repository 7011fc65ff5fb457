//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Crypto
import Foundation

/// A digest of what a command asks, to tell a retry from a different command reusing an idempotency key.
///
/// Commands carry personal data (a customer's name and email), and the fingerprint is stored in plain beside the
/// outcome, so it is keyed: an HMAC-SHA256 under the store's digest secret (``PersonalDataDigester``), which a list
/// of guessed names cannot be checked against without the secret. Over a store that keeps no subject keys it is
/// a plain SHA-256, as before keyed fingerprints existed.
enum CommandFingerprint {
    /// The fingerprint of `command` on `stream` with its condition, keyed by `digester` when there is one, and the
    /// plain SHA-256 of the same text, which outcomes recorded before fingerprints were keyed carry.
    static func of<Command>(
        _ command: Command,
        on stream: StreamID,
        expectedVersion: StreamVersion?,
        digester: PersonalDataDigester?
    ) async throws -> (keyed: String, plain: String) {
        let text = description(of: command, on: stream, expectedVersion: expectedVersion)
        let plain = plain(text)
        guard let digester else { return (plain, plain) }
        return (try await digester.hexDigest(of: text), plain)
    }

    /// The stream, the condition and the command: its JSON with sorted keys when it is `Encodable`, otherwise
    /// its reflected description (which spells out every stored property of a value type).
    private static func description<Command>(of command: Command, on stream: StreamID, expectedVersion: StreamVersion?) -> String {
        var text = "\(stream)\n\(expectedVersion.map(\.description) ?? "-")\n"
        if let encodable = command as? any Encodable, let json = try? JSONEncoder.strata(.fingerprint).encode(encodable) {
            text += String(decoding: json, as: UTF8.self)
        } else {
            text += String(reflecting: command)
        }
        return text
    }

    private static func plain(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
