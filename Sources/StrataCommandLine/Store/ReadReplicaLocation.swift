//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataPostgres

/// A PostgreSQL hot standby of a PostgreSQL read store, named by `serve --read-replica`.
struct ReadReplicaLocation: Hashable, Sendable {
    /// The replica's URL, with the primary's schema when it names none.
    let url: String
    /// How logs and metrics name it: host, port and database, never credentials.
    let name: String

    /// How long a query waits for a connection to the replica before the primary answers it instead.
    static let connectionWaitLimit: Duration = .seconds(2)

    /// Parses `postgres://…` for the read store `primary`.
    ///
    /// - Throws: CLIError when the URL is not a PostgreSQL one, or the primary is not a PostgreSQL read store (a
    ///   SQLite file has no replicas).
    init(parsing text: String, primary: ReadStoreLocation) throws(CLIError) {
        guard case .postgres(let primaryURL) = primary.kind else {
            throw .badInput("--read-replica needs a PostgreSQL read store, not \(primary)")
        }
        guard case .postgres = try StoreLocation(parsing: text).kind, var components = URLComponents(string: text) else {
            throw .badInput("a read replica must be a postgres:// URL, not '\(text)'")
        }
        var items = components.queryItems ?? []
        if !items.contains(where: { $0.name == "schema" }) {
            let primarySchema = URLComponents(string: primaryURL)?.queryItems?.first { $0.name == "schema" }?.value
            items.append(URLQueryItem(name: "schema", value: primarySchema ?? PostgresReadStore.Configuration().schema))
            components.queryItems = items
        }
        url = components.string ?? text
        let database = components.path.isEmpty ? "" : components.path
        name = "\(components.host ?? "localhost"):\(components.port ?? 5432)\(database)"
    }

    /// The replica as a read store that only reads: it is never migrated, and a query that cannot get a
    /// connection soon fails with `unavailable` so that the primary answers it.
    func openStore() throws -> PostgresReadStore {
        var configuration = PostgresReadStore.Configuration()
        configuration.readerConnectionWaitLimit = Self.connectionWaitLimit
        return try PostgresReadStore(url: url, configuration: configuration)
    }
}
