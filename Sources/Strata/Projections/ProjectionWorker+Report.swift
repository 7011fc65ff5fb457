//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

extension ProjectionWorker {
    /// What this process has to say about the projection right now.
    func currentReport() -> ProjectionReport {
        let runtime = self.runtime
        return ProjectionReport(state: runtime.state, lastError: runtime.lastError, node: configuration.nodeName, reportedAt: Date())
    }

    /// Writes the current report into the registry entry, unless the entry's progress is no longer `record`'s.
    ///
    /// - Returns: The registry entry as it now stands.
    func saveReport(in record: ProjectionRecord) async throws -> ProjectionRecord {
        try await readStore.withTransaction { transaction in
            guard var current = try await transaction.projectionRecord(named: name) else { return record }
            guard current.hasSameProgress(as: record) else { return current }
            current.report = currentReport()
            try await transaction.saveProjectionRecord(current)
            return current
        }
    }

    /// Writes the current report when the projection stops, so that operators see why; best effort, since the
    /// read store may be what failed.
    func persistReport() async {
        do {
            _ = try await readStore.withTransaction { transaction in
                guard var current = try await transaction.projectionRecord(named: name) else { return }
                current.report = currentReport()
                try await transaction.saveProjectionRecord(current)
            }
        } catch {
            logger.debug("could not record the projection's state", metadata: ["strata.error": "\(error)"])
        }
    }
}
