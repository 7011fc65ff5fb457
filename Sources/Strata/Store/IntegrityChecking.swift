//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// One invariant of a store, checked: its name, how many times it is broken, and a few of them described.
public struct IntegrityCheck: Hashable, Sendable, Codable {
    /// What must hold, as a sentence: "positions run from 1 without gaps".
    public var name: String
    /// How many rows, streams or positions break it; 0 when it holds.
    public var violations: Int
    /// Some of the violations, described (at most as many as asked for).
    public var examples: [String]

    /// Whether the invariant holds.
    public var holds: Bool { violations == 0 }

    public init(_ name: String, violations: Int, examples: [String] = []) {
        self.name = name
        self.violations = violations
        self.examples = examples
    }
}

/// A store that can check the invariants of its own tables inside its database, in constant memory on the
/// caller's side however large the log: the checks `strata verify` runs besides reading the log through.
///
/// The checks every backend makes (a backend may add its own, such as PostgreSQL's head row or SQLite's check of
/// its file):
/// - positions run from 1 without gaps;
/// - each stream's versions run from 0 without gaps;
/// - within each stream, version order is global order;
/// - event ids are unique;
/// - the records of deleted and truncated streams match their events (a deleted stream ends with its deletion
///   event, and only a deleted stream has one; a truncation is within the stream).
public protocol IntegrityChecking: Sendable {
    /// Runs the checks.
    ///
    /// - Parameter examples: The most violations to describe per check.
    /// - Returns: Every check, broken or not.
    func checkIntegrity(examples: Int) async throws -> [IntegrityCheck]
}

/// The names of the checks every backend makes, so that reports read alike whatever the backend.
public enum IntegrityCheckName {
    public static let gapFreePositions = "positions run from 1 without gaps"
    public static let head = "the head is the last position"
    public static let contiguousVersions = "each stream's versions run from 0 without gaps"
    public static let streamOrder = "within each stream, version order is global order"
    public static let uniqueEventIDs = "event ids are unique"
    public static let streamRecords = "deleted and truncated streams match their events"
}

/// How backends describe violations, so that reports read alike whatever the backend.
public enum IntegrityDescriptions {
    /// Positions `from` through `to` hold no event.
    public static func missing(from: Int64, to: Int64) -> String {
        from == to ? "position \(from) is missing" : "positions \(from)…\(to) are missing"
    }

    /// A record of a deleted or truncated stream that its events contradict (from a query that returns the
    /// record's fields, `nil` when there is no record, and the stream's last event, `nil` when it has none).
    public static func streamRecord(stream: String, truncateBefore: Int64?, deleted: Bool, lastVersion: Int64?, lastType: String?) -> String {
        guard let lastVersion, let lastType else { return "stream \(stream) has a deletion or truncation record but no events" }
        guard let truncateBefore else {
            return "stream \(stream) has a deletion event at version \(lastVersion) but is not recorded as deleted"
        }
        if deleted, lastType != StreamLifecycle.deletedEventType {
            return "stream \(stream) is recorded as deleted but ends with a \(lastType) event at version \(lastVersion)"
        }
        return "stream \(stream) is truncated before version \(truncateBefore), past its last version \(lastVersion)"
    }
}
