//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Strata

extension SQLiteEventStore: SubjectKeyStore {
    public func subjectKeys(for subjects: Set<String>) async throws -> [String: SubjectKeyState] {
        guard !subjects.isEmpty else { return [:] }
        return try await storageAccess {
            try await pool.read { db in try Self.subjectKeys(for: subjects, in: db) }
        }
    }

    public func createSubjectKeys(_ keys: [String: Data]) async throws -> [String: SubjectKeyState] {
        guard !keys.isEmpty else { return [:] }
        return try await storageAccess {
            try await pool.write { db in
                // IGNORE keeps a key created concurrently, and a forgotten subject forgotten.
                let insert = try db.cachedStatement(
                    sql: "INSERT OR IGNORE INTO strata_subject_keys (subject, key, created_at) VALUES (?, ?, ?)"
                )
                let now = Date().timeIntervalSinceReferenceDate
                for (subject, key) in keys {
                    try insert.execute(arguments: [subject, key, now])
                }
                return try Self.subjectKeys(for: keys.keys, in: db)
            }
        }
    }

    @discardableResult
    public func forgetSubject(_ subject: String) async throws -> Bool {
        try await storageAccess {
            try await pool.write { db in
                let now = Date().timeIntervalSinceReferenceDate
                let hadKey =
                    try Bool.fetchOne(db, sql: "SELECT key IS NOT NULL FROM strata_subject_keys WHERE subject = ?", arguments: [subject]) ?? false
                // A subject never seen is remembered as forgotten too, so no key is ever made for it later.
                try db.execute(
                    sql: """
                        INSERT INTO strata_subject_keys (subject, key, created_at, forgotten_at) VALUES (?, NULL, ?, ?)
                        ON CONFLICT (subject) DO UPDATE SET key = NULL, forgotten_at = IFNULL(forgotten_at, excluded.forgotten_at)
                        """,
                    arguments: [subject, now, now]
                )
                return hadKey
            }
        }
    }

    public func digestSecret() async throws -> Data {
        let select = "SELECT secret FROM strata_secrets WHERE name = 'digest'"
        if let stored = try await storageAccess({ try await pool.read { db in try Data.fetchOne(db, sql: select) } }) {
            return stored
        }
        // The system generator draws from the operating system's cryptographically secure source.
        let fresh = Data((0..<32).map { _ in UInt8.random(in: .min ... .max) })
        return try await storageAccess {
            try await pool.write { db in
                // IGNORE keeps the secret of a concurrent first call: every caller gets the stored one.
                try db.execute(
                    sql: "INSERT OR IGNORE INTO strata_secrets (name, secret, created_at) VALUES ('digest', ?, ?)",
                    arguments: [fresh, Date().timeIntervalSinceReferenceDate]
                )
                return try Data.fetchOne(db, sql: select) ?? fresh
            }
        }
    }

    /// The stored state of each of `subjects` that has a row; a NULL key means forgotten.
    static func subjectKeys(for subjects: some Sequence<String>, in db: Database) throws -> [String: SubjectKeyState] {
        let select = try db.cachedStatement(sql: "SELECT key FROM strata_subject_keys WHERE subject = ?")
        var states: [String: SubjectKeyState] = [:]
        for subject in subjects {
            guard let row = try Row.fetchOne(select, arguments: [subject]) else { continue }
            let key: Data? = row[0]
            states[subject] = key.map(SubjectKeyState.active) ?? .forgotten
        }
        return states
    }
}
