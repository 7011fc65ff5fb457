//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// When a command handler saves a snapshot of an aggregate on its own.
///
/// ```swift
/// .every(100)                                                  // after each 100 new events
/// .every(100).or(.whenLoadingTakesLongerThan(.milliseconds(20)))
/// .onDemand                                                    // only CommandHandler/takeSnapshot(of:)
/// ```
/// A snapshot that cannot be used (another schema version, or data that does not decode) is replaced the next
/// time the aggregate is loaded, unless the policy is onDemand.
public struct SnapshotPolicy: Hashable, Sendable {
    /// ``Snapshot`` once this many events have been appended since the last snapshot (or since the start).
    public var eventInterval: Int?
    /// ``Snapshot`` when reading and folding the aggregate took longer than this.
    public var loadTimeLimit: Duration?

    /// Never snapshot on its own; only when asked through ``CommandHandler/takeSnapshot(of:)``.
    public static let onDemand = SnapshotPolicy(eventInterval: nil, loadTimeLimit: nil)

    /// ``Snapshot`` once `events` events have been appended since the last snapshot.
    public static func every(_ events: Int) -> SnapshotPolicy {
        precondition(events > 0, "a snapshot interval must be positive")
        return SnapshotPolicy(eventInterval: events, loadTimeLimit: nil)
    }

    /// ``Snapshot`` when loading the aggregate took longer than `limit`.
    public static func whenLoadingTakesLongerThan(_ limit: Duration) -> SnapshotPolicy {
        SnapshotPolicy(eventInterval: nil, loadTimeLimit: limit)
    }

    /// ``Snapshot`` when either policy says so.
    public func or(_ other: SnapshotPolicy) -> SnapshotPolicy {
        SnapshotPolicy(
            eventInterval: [eventInterval, other.eventInterval].compactMap { $0 }.min(),
            loadTimeLimit: [loadTimeLimit, other.loadTimeLimit].compactMap { $0 }.min()
        )
    }

    /// Whether the policy ever snapshots on its own.
    public var isAutomatic: Bool { eventInterval != nil || loadTimeLimit != nil }

    /// Whether an aggregate `eventsSinceSnapshot` events past its last snapshot, loaded in `loadTime`, is due one.
    func isDue(eventsSinceSnapshot: UInt64, loadTime: Duration) -> Bool {
        if let eventInterval, eventsSinceSnapshot >= UInt64(eventInterval) { return true }
        if let loadTimeLimit, loadTime > loadTimeLimit, eventsSinceSnapshot > 0 { return true }
        return false
    }
}
