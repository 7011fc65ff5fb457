//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Crypto
import Foundation

/// A digest of what a command asks, to tell a retry from a different command reusing an idempotency key.
enum CommandFingerprint {
    /// SHA-256 over the stream, the condition and the command: its JSON with sorted keys when it is
    /// `Encodable`, otherwise its reflected description (which spells out every stored property of a value type).
    static func of<Command>(_ command: Command, on stream: StreamID, expectedVersion: StreamVersion?) -> String {
        var text = "\(stream)\n\(expectedVersion.map(\.description) ?? "-")\n"
        if let encodable = command as? any Encodable, let json = try? sortedEncoder.encode(encodable) {
            text += String(decoding: json, as: UTF8.self)
        } else {
            text += String(reflecting: command)
        }
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    private static var sortedEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
