//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// Strata's JSON coder settings, in one place: every module encodes dates as ISO 8601 and picks one of a few
/// layouts, so that the JSON it stores and serves reads the same wherever it was written.
extension JSONEncoder {
    /// How an encoder from `strata(_:)` lays out its JSON.
    package enum StrataLayout: Sendable {
        /// Foundation's default: keys in any order, slashes escaped. Event data is stored this way (written by
        /// `StreamingJSONEncoder` where it can, which escapes the same characters); its bytes are the stored
        /// format, so this layout must not change.
        case storage
        /// Keys sorted and slashes unescaped: stable, diffable JSON for people and API clients (HTTP bodies, CLI
        /// output, documents served as they are stored).
        case readable
        /// Keys sorted, slashes escaped: the text a command fingerprint digests. Any change to it would change
        /// every fingerprint, and retries of commands recorded before would read as conflicting commands.
        case fingerprint
    }

    /// A new encoder with ISO 8601 dates and `layout`.
    ///
    /// New on every call: an encoder is a class whose settings a caller could change. A call site that encodes
    /// many values in a row keeps one and reuses it, which costs less than making one per value.
    package static func strata(_ layout: StrataLayout) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        switch layout {
        case .storage: break
        case .readable: encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        case .fingerprint: encoder.outputFormatting = [.sortedKeys]
        }
        return encoder
    }
}

extension JSONDecoder {
    /// A new decoder that reads dates as ISO 8601, as every encoder from `JSONEncoder.strata(_:)` writes them.
    package static func strata() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
