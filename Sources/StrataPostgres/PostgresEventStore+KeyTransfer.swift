//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata

extension PostgresEventStore: SubjectKeyTransfer {
    public func subjectKeyRecords(after subject: String?, limit: Int) async throws -> [SubjectKeyRecord] {
        let query: PostgresQuery = """
            SELECT subject, key, created_at, forgotten_at FROM \(unescaped: schema.quoted).strata_subject_keys
            WHERE subject > \(subject ?? "") ORDER BY subject LIMIT \(max(0, limit))
            """
        return try await fetch(query, "read subject keys") { row in
            let (subject, key, createdAt, forgottenAt) = try row.decode((String, ByteBuffer?, Date, Date?).self)
            return SubjectKeyRecord(subject: subject, key: key.map { Data($0.readableBytesView) }, createdAt: createdAt, forgottenAt: forgottenAt)
        }
    }

    public func importSubjectKeyRecords(_ records: [SubjectKeyRecord]) async throws {
        let records = records
        try await inTransaction("import subject keys") { [self] connection in
            for record in records {
                let upsert: PostgresQuery = """
                    INSERT INTO \(unescaped: schema.quoted).strata_subject_keys (subject, key, created_at, forgotten_at)
                    VALUES (\(record.subject), \(record.key.map { ByteBuffer(bytes: $0) }), \(record.createdAt), \(record.forgottenAt))
                    ON CONFLICT (subject) DO UPDATE SET key = excluded.key, created_at = excluded.created_at, forgotten_at = excluded.forgotten_at
                    """
                _ = try await rows(upsert, on: connection)
            }
        }
    }

    public func storeSecrets() async throws -> [String: Data] {
        let query: PostgresQuery = "SELECT name, secret FROM \(unescaped: schema.quoted).strata_secrets"
        let rows = try await fetch(query, "read the store's secrets") { row in try row.decode((String, ByteBuffer).self) }
        return rows.reduce(into: [:]) { $0[$1.0] = Data($1.1.readableBytesView) }
    }

    public func importStoreSecrets(_ secrets: [String: Data]) async throws {
        let secrets = secrets
        try await inTransaction("import the store's secrets") { [self] connection in
            for (name, secret) in secrets {
                let upsert: PostgresQuery = """
                    INSERT INTO \(unescaped: schema.quoted).strata_secrets (name, secret) VALUES (\(name), \(ByteBuffer(bytes: secret)))
                    ON CONFLICT (name) DO UPDATE SET secret = excluded.secret
                    """
                _ = try await rows(upsert, on: connection)
            }
        }
    }
}
