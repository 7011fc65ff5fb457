//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// One step of schema evolution: turns an event type's data from one schema version into the next.
///
/// Stored events are never rewritten; an ``EventRegistry`` runs the steps on read, chained from the version an
/// event was stored with up to the type's current ``DomainEvent/schemaVersion``.
struct EventUpcaster: Sendable {
    /// The schema version the step reads; it writes `fromVersion + 1`.
    let fromVersion: Int
    let transform: @Sendable (Data) throws -> Data

    /// A step over raw JSON.
    static func json(from version: Int, _ transform: @escaping @Sendable (inout JSONValue) throws -> Void) -> EventUpcaster {
        EventUpcaster(fromVersion: version) { data in
            var value = try JSONValue(parsing: data)
            try transform(&value)
            return try value.encoded()
        }
    }

    /// A step between two Swift shapes of the event.
    static func typed<Old: Decodable & SendableMetatype, New: Encodable & SendableMetatype>(
        from version: Int,
        _ old: Old.Type,
        _ transform: @escaping @Sendable (Old) throws -> New
    ) -> EventUpcaster {
        EventUpcaster(fromVersion: version) { data in
            let previous = try JSONDecoder.strata().decode(Old.self, from: data)
            return try JSONEncoder.strata(.storage).encode(try transform(previous))
        }
    }
}
