//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// Where a page of snapshots ends: the next page starts after it, in (kind, stream) order.
public struct SnapshotCursor: Hashable, Sendable {
    public var kind: String
    public var stream: StreamID

    public init(kind: String, stream: StreamID) {
        self.kind = kind
        self.stream = stream
    }
}

/// The command side's own state, which a copy of a store's log carries along: snapshots, so that aggregates on
/// the copy load as fast, and command outcomes, so that a command retried with its idempotency key against the
/// copy gets its first outcome instead of running a second time.
public protocol CommandStateTransfer: LogTransfer, SnapshotStore, CommandOutcomeStore {
    /// Snapshots in (kind, stream) order, a page at a time, starting after `cursor`.
    func snapshots(after cursor: SnapshotCursor?, limit: Int) async throws -> [Snapshot]

    /// Writes snapshots exactly as given, replacing any of the same stream and kind, whatever their versions.
    func importSnapshots(_ snapshots: [Snapshot]) async throws

    /// Command outcomes of any age, in key order, a page at a time, starting after `key`.
    func commandOutcomes(after key: String?, limit: Int) async throws -> [CommandOutcomeRecord]

    /// Writes command outcomes exactly as given, replacing any with the same keys.
    func importCommandOutcomes(_ records: [CommandOutcomeRecord]) async throws
}

extension CommandStateTransfer {
    /// Reads every snapshot, a page of `pageSize` at a time, handing each page to `body`; returns how many there were.
    @discardableResult
    public func forEachSnapshotPage(pageSize: Int, _ body: ([Snapshot]) async throws -> Void) async throws -> Int {
        var (count, cursor) = (0, SnapshotCursor?.none)
        while true {
            let page = try await snapshots(after: cursor, limit: pageSize)
            try await body(page)
            count += page.count
            guard page.count == pageSize, let last = page.last else { return count }
            cursor = SnapshotCursor(kind: last.kind, stream: last.stream)
        }
    }

    /// Reads every command outcome, a page of `pageSize` at a time, handing each page to `body`; returns how many
    /// there were.
    @discardableResult
    public func forEachCommandOutcomePage(pageSize: Int, _ body: ([CommandOutcomeRecord]) async throws -> Void) async throws -> Int {
        var (count, afterKey) = (0, String?.none)
        while true {
            let page = try await commandOutcomes(after: afterKey, limit: pageSize)
            try await body(page)
            count += page.count
            guard page.count == pageSize, let last = page.last else { return count }
            afterKey = last.key
        }
    }
}
