//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata

/// How the bank names its streams and new ids.
public enum Accounts {
    /// The stream of account `id`: `account-<id>`.
    ///
    /// - Throws: InvalidStreamID when `id` makes no valid stream name (an empty or overlong id, control
    ///   characters): the HTTP layer answers 400.
    public static func stream(_ id: String) throws -> StreamID {
        try StreamID("account-\(id)")
    }

    /// The account id of a stream of `stream(_:)`.
    public static func id(of stream: StreamID) -> String? {
        stream.rawValue.hasPrefix("account-") ? String(stream.rawValue.dropFirst("account-".count)) : nil
    }

    /// A new id: derived from the request's idempotency key when it has one, so that a retried request
    /// names the same account or transfer.
    public static func newID(idempotencyKey: String?) -> String {
        guard let idempotencyKey else { return UUID().lowercasedString }
        return DerivedID.uuid(from: "bank\u{0}\(idempotencyKey)").lowercasedString
    }
}
