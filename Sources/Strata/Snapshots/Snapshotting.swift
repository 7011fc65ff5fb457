//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// How a command handler snapshots one kind of aggregate: where, when, and how its state is encoded.
///
/// ```swift
/// let accounts = CommandHandler(
///     store: store,
///     decider: Account(),
///     snapshotting: Snapshotting(store: store, kind: "account", schemaVersion: 2, policy: .every(100))
/// )
/// ```
/// Bump schemaVersion whenever the state's encoded shape changes: snapshots of any other version are then
/// ignored (and replaced), never decoded into the wrong shape.
public struct Snapshotting<State: Sendable>: Sendable {
    /// Where snapshots are kept: normally the event store itself.
    public var store: any SnapshotStore
    /// The snapshot kind, unique per aggregate type, such as `account`.
    public var kind: String
    /// The shape of the encoded state.
    public var schemaVersion: Int
    /// When to snapshot.
    public var policy: SnapshotPolicy

    let encode: @Sendable (State) throws -> Data
    let decode: @Sendable (Data) throws -> State

    /// Snapshots with your own encoding of the state.
    public init(
        store: any SnapshotStore,
        kind: String,
        schemaVersion: Int = 1,
        policy: SnapshotPolicy,
        encode: @escaping @Sendable (State) throws -> Data,
        decode: @escaping @Sendable (Data) throws -> State
    ) {
        self.store = store
        self.kind = kind
        self.schemaVersion = schemaVersion
        self.policy = policy
        self.encode = encode
        self.decode = decode
    }
}

extension Snapshotting where State: Codable {
    /// Snapshots a `Codable` state as JSON.
    public init(store: any SnapshotStore, kind: String, schemaVersion: Int = 1, policy: SnapshotPolicy) {
        self.init(
            store: store,
            kind: kind,
            schemaVersion: schemaVersion,
            policy: policy,
            encode: { try JSONEncoder().encode($0) },
            decode: { try JSONDecoder().decode(State.self, from: $0) }
        )
    }
}
