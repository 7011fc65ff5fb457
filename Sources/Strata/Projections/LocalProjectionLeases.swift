//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ServiceLifecycle
import Synchronization

/// Leases for runners inside one process: each projection's lease is held by one ``ProjectionRunner`` at a time.
///
/// Share one instance between the runners. revoke(_:) takes a lease away from its holder, as a broken
/// connection would take away a database lease.
public final class LocalProjectionLeases: ProjectionLeases {
    private struct State {
        var nextHolder: UInt64 = 0
        var holders: [String: UInt64] = [:]
    }

    private let state = Mutex(State())
    /// Raised on every release and revocation, so that waiters and holders look again.
    private let changes = AppendSignal()

    public init() {}

    public func withLease(on projection: String, _ body: @escaping @Sendable () async throws -> Void) async throws {
        let holder = try await cancelWhenGracefulShutdown { try await self.acquire(projection) }
        defer { release(projection, holder: holder) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask {
                // Watches for revocation; ends without error when the body ends first and cancels it.
                while !Task.isCancelled {
                    let generation = self.changes.generation
                    guard self.isHeld(projection, by: holder) else {
                        throw ProjectionLeaseLost(projection: projection, reason: "revoked")
                    }
                    await self.changes.wait(after: generation)
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Whether some runner holds the lease on `projection`.
    public func isHeld(_ projection: String) -> Bool {
        state.withLock { $0.holders[projection] != nil }
    }

    /// Takes the lease on `projection` away from its holder, whose body is cancelled; another runner may then take it.
    public func revoke(_ projection: String) {
        state.withLock { _ = $0.holders.removeValue(forKey: projection) }
        changes.notify()
    }

    private func acquire(_ projection: String) async throws -> UInt64 {
        while true {
            try Task.checkCancellation()
            let generation = changes.generation
            let holder: UInt64? = state.withLock { state in
                guard state.holders[projection] == nil else { return nil }
                state.nextHolder += 1
                state.holders[projection] = state.nextHolder
                return state.nextHolder
            }
            if let holder { return holder }
            await changes.wait(after: generation)
        }
    }

    private func isHeld(_ projection: String, by holder: UInt64) -> Bool {
        state.withLock { $0.holders[projection] == holder }
    }

    private func release(_ projection: String, holder: UInt64) {
        state.withLock { state in
            if state.holders[projection] == holder { state.holders[projection] = nil }
        }
        changes.notify()
    }
}
