//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Logging
import Strata
import StrataPostgres
import StrataSQLite

/// The opened databases of a running service, with personal data protected.
struct ServingStores: Sendable {
    var store: any EventStore
    var processManagerStore: any ProcessManagerStore
    var forgetSubject: @Sendable (String) async throws -> Bool
    var readStore: any ReadStore
    /// Leases that let several `serve` processes on one PostgreSQL read store run each projection once.
    var leases: (any ProjectionLeases)?
    /// Hot standbys of the read store that answer queries, opened but never migrated.
    var readReplicas: [ReadReplicas.Replica] = []

    /// Opens (creating and migrating) the event store and the read store, runs `body` and closes them.
    static func with(
        _ events: StoreLocation,
        _ readModels: ReadStoreLocation,
        replicas: [ReadReplicaLocation] = [],
        rules: [PersonalDataRule],
        logger: Logger,
        _ body: (ServingStores) async throws -> Void
    ) async throws {
        let readModels = ReadModelLocations(primary: readModels, replicas: replicas)
        switch events.kind {
        case .sqlite(let path):
            try createFolder(of: path)
            let base = try await SQLiteEventStore.open(path: path)
            defer { try? base.close() }
            try await serve(base, rules: rules, readModels: readModels, logger: logger, body)
        case .postgres(let url):
            let base = try PostgresEventStore(url: url)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await base.run() }
                defer { group.cancelAll() }
                try await base.migrate()
                try await serve(base, rules: rules, readModels: readModels, logger: logger, body)
            }
        }
    }

    /// Protects an opened event store's personal data, opens the read store and runs `body` with both.
    private static func serve<Base: EventStore & ProcessManagerStore & SubjectKeyStore>(
        _ base: Base,
        rules: [PersonalDataRule],
        readModels: ReadModelLocations,
        logger: Logger,
        _ body: (ServingStores) async throws -> Void
    ) async throws {
        let store = ProtectedEventStore(base, rules: rules)
        try await withReadStore(readModels, logger: logger) { readStore, leases, replicas in
            try await body(
                ServingStores(
                    store: store,
                    processManagerStore: store,
                    forgetSubject: { try await store.forget($0) },
                    readStore: readStore,
                    leases: leases,
                    readReplicas: replicas
                )
            )
        }
    }

    /// The read store and its replicas.
    private struct ReadModelLocations {
        var primary: ReadStoreLocation
        var replicas: [ReadReplicaLocation]
    }

    private static func withReadStore(
        _ locations: ReadModelLocations,
        logger: Logger,
        _ body: (any ReadStore, (any ProjectionLeases)?, [ReadReplicas.Replica]) async throws -> Void
    ) async throws {
        switch locations.primary.kind {
        case .sqlite(let path):
            try createFolder(of: path)
            let readStore = try await SQLiteReadStore.open(path: path)
            defer { try? readStore.close() }
            try await body(readStore, nil, [])
        case .postgres(let url):
            let readStore = try PostgresReadStore(url: url)
            var leaseConfiguration = PostgresProjectionLeases.Configuration(namespace: "strata:\(readStore.configuration.schema)")
            leaseConfiguration.logger = logger
            let leases = try PostgresProjectionLeases(url: url, configuration: leaseConfiguration)
            let replicaStores = try locations.replicas.map { location in (location.name, try location.openStore()) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await readStore.run() }
                group.addTask { await leases.run() }
                for (_, replica) in replicaStores { group.addTask { await replica.run() } }
                defer { group.cancelAll() }
                try await readStore.migrate()
                try await body(readStore, leases, replicaStores.map { ReadReplicas.Replica(name: $0.0, store: $0.1) })
            }
        }
    }

    private static func createFolder(of path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CLIError.badInput("cannot create the folder \(folder.path): \(error.localizedDescription)")
        }
    }
}
