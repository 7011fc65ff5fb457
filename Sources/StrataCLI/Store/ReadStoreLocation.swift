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
    /// The read store used when neither `--read-store` nor `STRATA_READ_STORE` names one: beside the default
    /// event store, in a file of its own.
    static let `default` = ReadStoreLocation(kind: .sqlite(path: "./strata-data/read.sqlite"))

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
    func withReadStore<Result>(_ body: (any ReadStore) async throws -> Result) async throws -> Result {
        switch kind {
        case .sqlite(let path):
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError.badInput("no read store at \(path): name one with --read-store or STRATA_READ_STORE")
            }
            let readStore = try SQLiteReadStore(path: path)
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
                    throw CLIError.badInput(
                        "no read store in schema \(readStore.configuration.schema) at \(description): name one with --read-store or STRATA_READ_STORE"
                    )
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
