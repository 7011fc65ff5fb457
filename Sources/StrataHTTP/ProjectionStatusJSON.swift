//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata

/// The JSON shape of a projection's status, the same in `GET /projections` and `strata projections status --json`.
public enum ProjectionStatusJSON {

    /// A projection's status as a JSON object; absent values are `null`.
    ///
    /// ```json
    /// {"checkpoint":120,"generation":1,"head":125,"lagEvents":5,"lagSeconds":0.8,"lastError":null,"name":"orders",
    ///  "node":"web-1:4242","parkedCount":0,"rebuildCheckpoint":null,"reportedAt":"2026-11-28T06:40:00.000Z",
    ///  "state":"live","version":1}
    /// ```
    public static func object(for status: ProjectionStatus) -> [String: Any] {
        [
            "name": status.name,
            "version": status.version,
            "state": status.state.description,
            "checkpoint": status.checkpoint.value,
            "head": status.head.value,
            "lagEvents": status.lagEvents,
            "lagSeconds": (status.lagSeconds * 1000).rounded() / 1000,
            "generation": status.generation,
            "rebuildCheckpoint": status.rebuildCheckpoint.map { $0.value as Any } ?? NSNull(),
            "parkedCount": status.parkedCount,
            "lastError": status.lastError ?? NSNull(),
            "node": status.node ?? NSNull(),
            "reportedAt": status.reportedAt.map { $0.iso8601Timestamp as Any } ?? NSNull(),
        ]
    }
}
