//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Synchronization

/// Counts the open `/events` streams against the service's limit.
final class EventStreamSlots: Sendable {
    /// One open stream's place: it frees itself when released, that is when the response body that holds it
    /// has finished or was dropped unsent, so that no path (a client gone before the first byte included) can
    /// leak a place.
    final class Slot: Sendable {
        private let slots: EventStreamSlots

        fileprivate init(_ slots: EventStreamSlots) { self.slots = slots }

        deinit { slots.open.withLock { $0 -= 1 } }
    }

    let limit: Int
    private let open = Mutex(0)

    init(limit: Int) { self.limit = limit }

    /// A place for one more stream, or `nil` when `limit` are open.
    func take() -> Slot? {
        let taken = open.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
        return taken ? Slot(self) : nil
    }
}
