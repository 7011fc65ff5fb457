//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// A data subject's key as a store keeps it: `nil` once the subject is forgotten.
public struct SubjectKeyRecord: Hashable, Sendable {
    public var subject: String
    public var key: Data?
    public var createdAt: Date
    public var forgottenAt: Date?

    public init(subject: String, key: Data?, createdAt: Date, forgottenAt: Date?) {
        self.subject = subject
        self.key = key
        self.createdAt = createdAt
        self.forgottenAt = forgottenAt
    }
}

/// The keys of crypto-shredding, which a copy of a log with personal data must carry along: without them the copy
/// could not decrypt its personal fields, and its keyed digests (the store's digest secret) would not match.
/// Forgotten subjects are copied as forgotten, so they stay so.
public protocol SubjectKeyTransfer: SubjectKeyStore {
    /// Subject keys, forgotten ones included, in subject order, a page at a time.
    func subjectKeyRecords(after subject: String?, limit: Int) async throws -> [SubjectKeyRecord]

    /// Writes subject keys, replacing any the store has for those subjects.
    func importSubjectKeyRecords(_ records: [SubjectKeyRecord]) async throws

    /// The store's secrets by name (such as the digest secret).
    func storeSecrets() async throws -> [String: Data]

    /// Writes secrets, replacing any the store has under those names.
    func importStoreSecrets(_ secrets: [String: Data]) async throws
}
