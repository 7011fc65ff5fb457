//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB
import Strata

extension SQLiteEventStore: SubjectKeyTransfer {
    public func subjectKeyRecords(after subject: String?, limit: Int) async throws -> [SubjectKeyRecord] {
        try await storageAccess {
            try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT subject, key, created_at, forgotten_at FROM strata_subject_keys WHERE subject > ? ORDER BY subject LIMIT ?",
                    arguments: [subject ?? "", max(0, limit)]
                ).map { row in
                    SubjectKeyRecord(
                        subject: row[0],
                        key: row[1],
                        createdAt: Date(timeIntervalSinceReferenceDate: row[2]),
                        forgottenAt: (row[3] as Double?).map(Date.init(timeIntervalSinceReferenceDate:))
                    )
                }
            }
        }
    }

    public func importSubjectKeyRecords(_ records: [SubjectKeyRecord]) async throws {
        try await storageAccess {
            try await pool.write { db in
                for record in records {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO strata_subject_keys (subject, key, created_at, forgotten_at) VALUES (?, ?, ?, ?)",
                        arguments: [
                            record.subject, record.key, record.createdAt.timeIntervalSinceReferenceDate,
                            record.forgottenAt?.timeIntervalSinceReferenceDate,
                        ]
                    )
                }
            }
        }
    }

    public func storeSecrets() async throws -> [String: Data] {
        try await storageAccess {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT name, secret FROM strata_secrets").reduce(into: [:]) { $0[$1[0] as String] = $1[1] as Data }
            }
        }
    }

    public func importStoreSecrets(_ secrets: [String: Data]) async throws {
        try await storageAccess {
            try await pool.write { db in
                for (name, secret) in secrets {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO strata_secrets (name, secret, created_at) VALUES (?, ?, ?)",
                        arguments: [name, secret, Date().timeIntervalSinceReferenceDate]
                    )
                }
            }
        }
    }
}
