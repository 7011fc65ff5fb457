//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Crypto
import Foundation

/// Encrypts and decrypts the personal fields of one event's JSON.
///
/// An encrypted field becomes an object `{"$strata.encrypted": "<base64 AES-GCM box>", "$strata.redacted": …}`:
/// the sealed box binds the field's JSON to the event id and field name (so it cannot be moved to another
/// event), and the redacted value is what the field reads as once the key is gone: `"[redacted]"` for a
/// string, `null` for anything else.
enum PersonalDataCipher {
    static let encryptedKey = "$strata.encrypted"
    static let redactedKey = "$strata.redacted"
    /// The metadata key naming the subject of an event that carries encrypted fields.
    static let subjectMetadataKey = "strata.subject"
    /// What a forgotten string field reads as.
    static let redactedString = "[redacted]"

    static func seal(_ object: inout JSONValue, fields: Set<String>, key: SymmetricKey, eventID: UUID) throws {
        for field in fields.sorted() {
            guard let value = object[field], value != .null, !isEnvelope(value) else { continue }
            let box = try AES.GCM.seal(try value.encoded(), using: key, authenticating: Data("\(eventID)/\(field)".utf8))
            guard let combined = box.combined else { continue }
            let redacted: JSONValue = if case .string = value { .string(redactedString) } else { .null }
            object[field] = .object([encryptedKey: .string(combined.base64EncodedString()), redactedKey: redacted])
        }
    }

    /// Replaces every envelope in `object` with its plaintext, or with its redacted value when `key` is `nil`.
    ///
    /// - Throws: CryptoKitError when a box does not open with the key: the data was tampered with.
    static func open(_ object: inout JSONValue, key: SymmetricKey?, eventID: UUID) throws {
        guard case .object(let members) = object else { return }
        for (field, value) in members where isEnvelope(value) {
            guard let key, case .string(let text)? = value[encryptedKey], let combined = Data(base64Encoded: text) else {
                object[field] = value[redactedKey] ?? .null
                continue
            }
            let box = try AES.GCM.SealedBox(combined: combined)
            let plaintext = try AES.GCM.open(box, using: key, authenticating: Data("\(eventID)/\(field)".utf8))
            object[field] = try JSONValue(parsing: plaintext)
        }
    }

    private static func isEnvelope(_ value: JSONValue) -> Bool {
        value[encryptedKey] != nil
    }
}
