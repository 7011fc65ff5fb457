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

/// Where a read store lives, parsed from a URL of the same forms as a StoreLocation.
struct ReadStoreLocation: Hashable, Sendable, CustomStringConvertible {
    let kind: StoreLocation.Kind

    init(kind: StoreLocation.Kind) { self.kind = kind }

    /// Parses `sqlite:PATH` or `postgres://…` (its `schema` parameter names the read store's schema).
    init(parsing text: String) throws(CLIError) {
        kind = try StoreLocation(parsing: text).kind
    }

    var description: String { StoreLocation(kind: kind).description }

    /// Opens an existing read store, runs `body` with it and closes it.
    ///
    /// Unlike an event store, a read store is never created here: an operator command pointed at the wrong
    /// place should say so rather than report an empty registry.
    ///
    /// - Throws: ReadStoreNotFound when there is no read store at the location.
    func withReadStore<Result>(_ body: (any ReadStore) async throws -> Result) async throws -> Result {
        switch kind {
        case .sqlite(let path):
            guard FileManager.default.fileExists(atPath: path) else { throw ReadStoreNotFound(location: "at \(path)") }
            let readStore = try await SQLiteReadStore.open(path: path)
            let result: Result
            do {
                result = try await body(readStore)
            } catch {
                try? readStore.close()
                throw error
            }
            try readStore.close()
            return result
        case .postgres(let url):
            let readStore = try PostgresReadStore(url: url)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await readStore.run() }
                defer { group.cancelAll() }
                guard try await readStore.exists() else {
                    throw ReadStoreNotFound(location: "in schema \(readStore.configuration.schema) at \(description)")
                }
                // Brings a read store written by an older Strata up to the registry columns this one reads.
                try await readStore.migrate()
                let result = try await body(readStore)
                group.cancelAll()
                return result
            }
        }
    }
}

/// No read store exists where one was named: a command that only reads never creates one.
struct ReadStoreNotFound: Error, CustomStringConvertible {
    /// Where it was looked for, such as `at ./strata-data/read.sqlite`.
    var location: String

    var description: String { "no read store \(location): name one with --read-store or STRATA_READ_STORE" }
}

extension ReadStoreLocation {
    /// The read store `serve` uses when none is named: a SQLite file `read.sqlite` beside a SQLite event store,
    /// or a schema of its own (the event store's schema plus `_read`) in a PostgreSQL event store's database.
    static func beside(_ events: StoreLocation) -> ReadStoreLocation {
        switch events.kind {
        case .sqlite(let path):
            let folder = (path as NSString).deletingLastPathComponent
            return ReadStoreLocation(kind: .sqlite(path: "\(folder.isEmpty ? "." : folder)/read.sqlite"))
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return ReadStoreLocation(kind: .postgres(url: url)) }
            var items = components.queryItems ?? []
            let eventSchema = items.first { $0.name == "schema" }?.value.flatMap { $0.isEmpty ? nil : $0 } ?? "strata"
            items.removeAll { $0.name == "schema" }
            items.append(URLQueryItem(name: "schema", value: "\(eventSchema)_read"))
            components.queryItems = items
            return ReadStoreLocation(kind: .postgres(url: components.string ?? url))
        }
    }
}
