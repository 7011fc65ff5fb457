//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataPostgres

/// Runs `body` with a ProjectionRunner for one of the application's projections over the named stores.
///
/// The runner is not started: `body` steers it (rebuild, reset, replay) and may run it. With a PostgreSQL read
/// store it takes the projection's lease first, so that it never runs beside a `strata serve` that holds it.
func withProjectionRunner<App: StrataApplication, Result>(
    _ app: App.Type,
    _ target: ProjectionTarget,
    _ body: (ProjectionRunner) async throws -> Result
) async throws -> Result {
    let application = try App.withDefaultOptions()
    guard let projection = application.projections.first(where: { $0.name == target.name }) else {
        let known = application.projections.map(\.name).joined(separator: ", ")
        throw CLIError.badInput("there is no projection '\(target.name)': this application has \(known.isEmpty ? "none" : known)")
    }
    let eventLocation = try target.storeOptions.location()
    let readLocation = try target.readStoreOptions.location(besides: eventLocation)
    return try await readLocation.withReadStore { readStore in
        try await eventLocation.withStore { store in
            var configuration = ProjectionRunner.Configuration()
            var leases: PostgresProjectionLeases?
            if case .postgres(let url) = readLocation.kind, let schema = (readStore as? PostgresReadStore)?.configuration.schema {
                leases = try PostgresProjectionLeases(url: url, configuration: .init(namespace: "strata:\(schema)"))
                configuration.leases = leases
            }
            let runner = ProjectionRunner(store: store, readStore: readStore, projections: [projection], configuration: configuration)
            guard let leases else { return try await body(runner) }
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await leases.run() }
                defer { group.cancelAll() }
                return try await body(runner)
            }
        }
    }
}
