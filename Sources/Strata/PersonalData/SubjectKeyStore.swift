//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// The state of one data subject's encryption key.
public enum SubjectKeyState: Hashable, Sendable {
    /// The subject's 256-bit key.
    case active(Data)
    /// The subject was forgotten: its key is deleted for good, and no new one is ever made.
    case forgotten
}

/// Where the per-subject keys of crypto-shredding live: by default a table in the event store's database.
///
/// Every event-store backend is also a ``SubjectKeyStore``; another implementation (a key-management service,
/// say) can be plugged into PersonalDataProtection instead.
public protocol SubjectKeyStore: Sendable {
    /// The keys of `subjects` that exist, active or forgotten. Subjects with no key are left out.
    func subjectKeys(for subjects: Set<String>) async throws -> [String: SubjectKeyState]

    /// Stores `keys` for the subjects that have none yet, and returns the stored state of each of them: a
    /// subject that got a key concurrently keeps that one, and a forgotten subject stays forgotten.
    func createSubjectKeys(_ keys: [String: Data]) async throws -> [String: SubjectKeyState]

    /// Deletes `subject`'s key and remembers that it was forgotten. Returns `false` when it had no key
    /// (it is still remembered as forgotten).
    @discardableResult
    func forgetSubject(_ subject: String) async throws -> Bool

    /// The store's secret for keyed digests (HMAC-SHA256) of values that stand for personal data, such as a
    /// stream id derived from an email address: 32 random bytes, created on first use and never changed.
    ///
    /// A plain digest of a guessable value (an email address, a name) can be reversed by hashing guesses; a keyed
    /// one only by whoever also holds this secret, which is kept with the subjects' keys. Forgetting a subject
    /// does not change it. Concurrent first calls all return the secret that was stored.
    func digestSecret() async throws -> Data
}
