//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Synchronization

/// The active generation of each projection as the registry last gave it, so that a query costs one read
/// access instead of one per registry entry it needs.
///
/// A cached number cannot make a query answer from the wrong read model: a rebuild switches generations and
/// drops the old one's collections and tables in one transaction, so a query that still names the old
/// generation fails, and ``QueryHandler`` then reads the registry again and asks once more.
final class ActiveGenerationCache: Sendable {
    private let numbers = Mutex<[String: Int]>([:])

    /// The cached generation of `projection`, or `nil` when the registry has not been read for it.
    func number(of projection: String) -> Int? {
        numbers.withLock { $0[projection] }
    }

    /// The cached generations of `projections`, in their order.
    func numbers(of projections: [String]) -> [Int?] {
        numbers.withLock { numbers in projections.map { numbers[$0] } }
    }

    /// Records what the registry says; `nil` (a projection that has never run) is not cached.
    func remember(_ number: Int?, of projection: String) {
        numbers.withLock { $0[projection] = number }
    }
}
