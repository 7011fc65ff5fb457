//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation

/// The `--store` option every command that touches events takes.
struct StoreOptions: ParsableArguments {
    /// The variable consulted when `--store` is not given.
    static let environmentVariable = "STRATA_STORE"
    /// The variable consulted next: a PostgreSQL URL.
    static let postgresEnvironmentVariable = "STRATA_POSTGRES_URL"

    @Option(
        help: ArgumentHelp(
            "The event store: sqlite:PATH or postgres://….",
            discussion: "Default: $STRATA_STORE, else $STRATA_POSTGRES_URL, else \(StoreLocation.default).",
            valueName: "url"
        )
    )
    var store: String?

    /// The store named by `--store`, else by `STRATA_STORE`, else by `STRATA_POSTGRES_URL`, else the default.
    func location(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CLIError) -> StoreLocation {
        if let store {
            return try StoreLocation(parsing: store)
        }
        if let fromEnvironment = environment[Self.environmentVariable], !fromEnvironment.isEmpty {
            return try StoreLocation(parsing: fromEnvironment)
        }
        if let postgres = environment[Self.postgresEnvironmentVariable], !postgres.isEmpty {
            return try StoreLocation(parsing: postgres)
        }
        return .default
    }
}
