//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Synchronization

/// The server process of the store's own listening connection, which its appends need not notify (see
/// `PostgresSchema.listenersTable`).
final class OwnListener: Sendable {
    private let pid = Atomic<Int32>(0)

    /// The backend id of the registered listening connection; 0 while none is registered, which no backend has.
    var current: Int32 { pid.load(ordering: .acquiring) }

    /// Records the listening connection that `strata_register_listener` registered.
    func registered(_ backend: Int32) {
        pid.store(backend, ordering: .releasing)
    }

    /// Forgets `backend` once it stops listening, unless a newer listener registered since.
    func stopped(_ backend: Int32) {
        _ = pid.compareExchange(expected: backend, desired: 0, ordering: .acquiringAndReleasing)
    }
}
