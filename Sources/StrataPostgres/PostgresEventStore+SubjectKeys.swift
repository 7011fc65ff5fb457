//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata

/// Subject keys live in `strata_subject_keys`: a row with a key is active, a row whose key is NULL is forgotten.
/// Rows are never deleted, so a forgotten subject never gets a key again.
extension PostgresEventStore: SubjectKeyStore {
    public func subjectKeys(for subjects: Set<String>) async throws -> [String: SubjectKeyState] {
        guard !subjects.isEmpty else { return [:] }
        return try await storedKeys(Array(subjects), "read subject keys")
    }

    /// Inserts the keys of subjects that have none, then reads back what is stored.
    ///
    /// The insert waits for any concurrent transaction inserting the same subject to end, so the read that follows
    /// sees the winner's key. Subjects go in sorted, so that two overlapping calls wait for each other in the same
    /// order and cannot deadlock.
    public func createSubjectKeys(_ keys: [String: Data]) async throws -> [String: SubjectKeyState] {
        guard !keys.isEmpty else { return [:] }
        let subjects = keys.keys.sorted()
        let values = subjects.map { ByteBuffer(bytes: keys[$0] ?? Data()) }
        try await execute(
            """
            INSERT INTO \(unescaped: schema.quoted).strata_subject_keys (subject, key)
            SELECT subject, key FROM unnest(\(subjects)::text[], \(values)::bytea[]) AS added (subject, key)
            ON CONFLICT (subject) DO NOTHING
            """,
            "create subject keys"
        )
        return try await storedKeys(subjects, "read subject keys")
    }

    /// Forgets `subject`: first makes sure it has a row (a forgotten one, when it had none), then clears the key
    /// of the row, locked, reporting whether it still had one.
    @discardableResult
    public func forgetSubject(_ subject: String) async throws -> Bool {
        let table = "\(schema.quoted).strata_subject_keys"
        let ensureRow: PostgresQuery = """
            INSERT INTO \(unescaped: table) (subject, key, forgotten_at) VALUES (\(subject), NULL, now())
            ON CONFLICT (subject) DO NOTHING
            """
        let forget: PostgresQuery = """
            UPDATE \(unescaped: table) AS k SET key = NULL, forgotten_at = coalesce(k.forgotten_at, now())
            FROM (SELECT subject, key FROM \(unescaped: table) WHERE subject = \(subject) FOR UPDATE) AS before
            WHERE k.subject = before.subject
            RETURNING before.key IS NOT NULL
            """
        return try await withConnection("forget subject '\(subject)'") { [self] connection in
            _ = try await rows(ensureRow, on: connection)
            return try await rows(forget, on: connection).first?.decode(Bool.self) ?? false
        }
    }

    /// Inserts a fresh secret unless one is stored (a concurrent first call's insert is waited for), then reads
    /// the stored one.
    public func digestSecret() async throws -> Data {
        let table = "\(schema.quoted).strata_secrets"
        // The system generator draws from the operating system's cryptographically secure source.
        let fresh = ByteBuffer(bytes: (0..<32).map { _ in UInt8.random(in: .min ... .max) })
        try await execute(
            "INSERT INTO \(unescaped: table) (name, secret) VALUES ('digest', \(fresh)) ON CONFLICT (name) DO NOTHING",
            "create the digest secret"
        )
        let stored = try await fetch("SELECT secret FROM \(unescaped: table) WHERE name = 'digest'", "read the digest secret") {
            try $0.decode(ByteBuffer.self)
        }
        guard let secret = stored.first else { throw EventStoreError(.storage, "the digest secret is missing") }
        return Data(secret.readableBytesView)
    }

    private func storedKeys(_ subjects: [String], _ what: String) async throws -> [String: SubjectKeyState] {
        // Prepared: every read of events that hold personal data looks their keys up.
        let rows = try await fetchPrepared(
            "SELECT subject, key FROM \(schema.quoted).strata_subject_keys WHERE subject = ANY($1)",
            [try PostgresData(encoding: subjects)],
            columns: 2,
            what
        ) { cells in (try cells[0].decode(String.self), try cells[1].decode(ByteBuffer?.self)) }
        var states: [String: SubjectKeyState] = [:]
        for (subject, key) in rows {
            states[subject] = key.map { .active(Data($0.readableBytesView)) } ?? .forgotten
        }
        return states
    }
}
