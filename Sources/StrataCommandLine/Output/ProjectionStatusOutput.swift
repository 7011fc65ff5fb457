//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataHTTP

/// How `strata projections status` prints statuses: an aligned table for people, JSON for scripts.
enum ProjectionStatusOutput {

    /// One JSON object per projection, in one array; absent values are `null`.
    ///
    /// ```json
    /// [{"checkpoint":120,"generation":1,"head":125,"lagEvents":5,"lagSeconds":0.8,"lastError":null,"name":"orders",
    ///   "node":"web-1:4242","parkedCount":0,"rebuildCheckpoint":null,"reportedAt":"2026-11-28T06:40:00.000Z",
    ///   "state":"live","version":1}]
    /// ```
    static func json(_ statuses: [ProjectionStatus]) throws -> Data {
        try JSONLineEncoder().line(statuses.map(ProjectionStatusJSON.init))
    }

    /// A table with a header row, columns padded to their widest value.
    static func table(_ statuses: [ProjectionStatus]) -> String {
        guard !statuses.isEmpty else { return "no projections in this read store\n" }
        let header = ["PROJECTION", "STATE", "CHECKPOINT", "HEAD", "LAG", "LAG(S)", "GEN", "REBUILD", "PARKED", "REPORTED", "NODE", "LAST ERROR"]
        let rows = statuses.map { status in
            [
                status.name,
                status.state.description,
                "\(status.checkpoint.value)",
                "\(status.head.value)",
                "\(status.lagEvents)",
                String(format: "%.1f", status.lagSeconds),
                "\(status.generation)",
                status.rebuildCheckpoint.map { "\($0.value)" } ?? "-",
                "\(status.parkedCount)",
                status.reportedAt.map { $0.iso8601Timestamp } ?? "-",
                status.node ?? "-",
                status.lastError.map { $0.replacingOccurrences(of: "\n", with: " ") } ?? "-",
            ]
        }
        return TextTable.render(header, rows)
    }
}
