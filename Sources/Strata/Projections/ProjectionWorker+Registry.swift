//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
extension ProjectionWorker {
    /// Brings the projection's registry entry and storage up to date with its code, at start and after control
    /// requests: creates the first generation, starts a rebuild when the version changed (if configured), and
    /// applies new SQL migrations.
    func start(_ transaction: any ReadStoreTransaction) async throws -> ProjectionRecord {
        let original = try await loadOrCreate(transaction)
        var record = original
        let version = projection.version
        if let rebuilding = record.rebuilding, rebuilding.version != version {
            // A rebuild by older code: its work is of no use to this version.
            try await drop(generation: rebuilding.number, transaction)
            record.rebuilding = nil
        }
        if record.rebuilding == nil, record.active.version != version {
            if configuration.rebuildOnVersionChange {
                logger.info("code version changed, rebuilding", metadata: ["strata.version": "\(record.active.version) -> \(version)"])
                let generation = ProjectionGeneration(number: record.active.number + 1, version: version, position: .start)
                record.rebuilding = try await prepare(generation, transaction)
            } else {
                record.active.version = version
            }
        }
        if record.active.version == version {
            record.active = try await prepare(record.active, transaction)
        }
        if let rebuilding = record.rebuilding {
            record.rebuilding = try await prepare(rebuilding, transaction)
        }
        if record != original { try await transaction.saveProjectionRecord(record) }
        return record
    }

    /// The registry entry, created with a prepared first generation when the projection has never run.
    func loadOrCreate(_ transaction: any ReadStoreTransaction) async throws -> ProjectionRecord {
        if let record = try await transaction.projectionRecord(named: name) { return record }
        let first = try await prepare(ProjectionGeneration(number: 1, version: projection.version, position: .start), transaction)
        let record = ProjectionRecord(name: name, active: first)
        try await transaction.saveProjectionRecord(record)
        return record
    }

    /// Creates a generation's collections and applies its pending SQL migrations.
    func prepare(_ generation: ProjectionGeneration, _ transaction: any ReadStoreTransaction) async throws -> ProjectionGeneration {
        var generation = generation
        for collection in schema.collections {
            try await transaction.createCollection(
                ReadModelNames.physicalName(projection: name, name: collection.name, generation: generation.number),
                indexes: collection.indexes
            )
        }
        let pending = schema.migrations.filter { $0.version > generation.schemaVersion }
        if !pending.isEmpty {
            guard let sql = transaction.sql else {
                throw ReadStoreError(.unsupported, "projection '\(name)' has SQL migrations, but this read store has no SQL")
            }
            let tables = ReadModelTables(projection: name, generation: generation.number)
            for migration in pending {
                for statement in migration.statements(tables) { try await sql.execute(statement) }
                generation.schemaVersion = migration.version
            }
        }
        return generation
    }

    /// Drops a generation's collections, tables and parked events.
    func drop(generation: Int, _ transaction: any ReadStoreTransaction) async throws {
        for collection in schema.collections {
            try await transaction.dropCollection(ReadModelNames.physicalName(projection: name, name: collection.name, generation: generation))
        }
        if !schema.tables.isEmpty, let sql = transaction.sql {
            for table in schema.tables {
                try await sql.execute("DROP TABLE IF EXISTS \(ReadModelNames.physicalName(projection: name, name: table, generation: generation))")
            }
        }
        try await transaction.removeParkedEvents(projection: name, generation: generation)
    }
}
