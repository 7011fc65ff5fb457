//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation

/// The `--read-store` option of commands that look at read models.
struct ReadStoreOptions: ParsableArguments {
    /// The variable consulted when `--read-store` is not given.
    static let environmentVariable = "STRATA_READ_STORE"

    @Option(
        name: .customLong("read-store"),
        help: ArgumentHelp(
            "The read store: sqlite:PATH or postgres://…?schema=NAME.",
            discussion:
                "Default: $STRATA_READ_STORE, else read.sqlite beside a SQLite event store, or schema <event schema>_read of a PostgreSQL one.",
            valueName: "url"
        )
    )
    var readStore: String?

    /// The read store named by `--read-store`, else by `STRATA_READ_STORE`, else the one beside `events`.
    func location(
        besides events: StoreLocation,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(CLIError) -> ReadStoreLocation {
        try namedLocation(environment: environment) ?? .beside(events)
    }

    /// The read store named by `--read-store`, else by `STRATA_READ_STORE`; `nil` when neither names one.
    func namedLocation(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CLIError) -> ReadStoreLocation? {
        if let readStore {
            return try ReadStoreLocation(parsing: readStore)
        }
        if let fromEnvironment = environment[Self.environmentVariable], !fromEnvironment.isEmpty {
            return try ReadStoreLocation(parsing: fromEnvironment)
        }
        return nil
    }
}
