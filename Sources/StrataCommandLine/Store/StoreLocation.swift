//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataPostgres
import StrataSQLite

/// Where an event store lives, parsed from a store URL such as `sqlite:./strata-data/events.sqlite`.
///
/// The one place that knows the URL forms, so that adding a backend changes only this type.
struct StoreLocation: Hashable, Sendable, CustomStringConvertible {
    enum Kind: Hashable, Sendable {
        /// A SQLite file at a path, relative to the working directory or absolute.
        case sqlite(path: String)
        /// A PostgreSQL server.
        case postgres(url: String)
    }

    /// The store used when neither `--store`, `STRATA_STORE` nor `STRATA_POSTGRES_URL` names one.
    static let `default` = StoreLocation(kind: .sqlite(path: "./strata-data/events.sqlite"))

    let kind: Kind

    init(kind: Kind) { self.kind = kind }

    /// Parses `sqlite:PATH` (also `sqlite://PATH`) or `postgres://…` (also `postgresql://…`).
    ///
    /// - Throws: CLIError for any other form.
    init(parsing text: String) throws(CLIError) {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            do {
                _ = try PostgresConnectionSettings(url: text)
            } catch {
                throw .badInput("\(error)")
            }
            self.init(kind: .postgres(url: text))
            return
        }
        guard text.hasPrefix("sqlite:") else {
            throw .badInput("unsupported store URL '\(text)': use sqlite:PATH or postgres://…")
        }
        var path = text.dropFirst("sqlite:".count)
        if path.hasPrefix("//") { path = path.dropFirst(2) }
        guard !path.isEmpty else {
            throw .badInput("store URL '\(text)' names no file: use sqlite:PATH")
        }
        self.init(kind: .sqlite(path: String(path)))
    }

    var description: String {
        switch kind {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): PostgresConnectionSettings.redacted(url)
        }
    }

    /// Opens the store, runs `body` with it and closes it, whether `body` succeeds or not.
    ///
    /// A SQLite file and its folder are created when missing. A PostgreSQL store is migrated first (migrations are
    /// idempotent and safe beside other processes), and its client runs for as long as `body` does.
    ///
    /// The store is wrapped in a ProtectedEventStore with no rules: reading needs none, so every command shows
    /// personal data decrypted, and a forgotten subject's fields redacted, like the application does.
    func withStore<Result>(_ body: (any EventStore) async throws -> Result) async throws -> Result {
        try await withStore(decryptingPersonalData: true, body)
    }

    /// Opens the store as withStore(_:) does; without `decryptingPersonalData`, the store is handed over as it is
    /// (events as stored, and the backend's own protocols, such as IntegrityChecking, reachable). With
    /// `mustExist`, a SQLite file that is not there is an error rather than created.
    func withStore<Result>(
        decryptingPersonalData: Bool,
        mustExist: Bool = false,
        _ body: (any EventStore) async throws -> Result
    ) async throws -> Result {
        switch kind {
        case .sqlite(let path):
            if mustExist, !FileManager.default.fileExists(atPath: path) {
                throw CLIError.badInput("there is no SQLite event store at \(path)")
            }
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw CLIError.badInput("cannot create the folder \(folder.path) for the store: \(error.localizedDescription)")
            }
            let store = try await SQLiteEventStore.open(path: path)
            let result: Result
            do {
                result = try await body(decryptingPersonalData ? ProtectedEventStore(store, rules: []) : store)
            } catch {
                // The body's error says what went wrong; a failure to close as well would only hide it.
                try? store.close()
                throw error
            }
            try store.close()
            return result
        case .postgres(let url):
            let store = try PostgresEventStore(url: url)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                defer { group.cancelAll() }
                try await store.migrate()
                return try await body(decryptingPersonalData ? ProtectedEventStore(store, rules: []) : store)
            }
        }
    }
}
