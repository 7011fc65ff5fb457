//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging

extension SQLiteEventStore {
    /// How durable a commit is: SQLite's `synchronous` setting for the writing connection.
    public struct Durability: Hashable, Sendable, CustomStringConvertible {
        let pragmaValue: String

        /// Every commit is flushed to disk before the append returns (`synchronous=FULL`). The default:
        /// an acknowledged append survives a power cut. Group commit shares one flush among concurrent appends.
        public static let full = Durability(pragmaValue: "FULL")
        /// Commits are flushed at checkpoints only (`synchronous=NORMAL`): an acknowledged append survives a
        /// crash of the process but may be lost in a power cut.
        public static let normal = Durability(pragmaValue: "NORMAL")
        /// No flushes (`synchronous=OFF`): for throwaway data and tests only.
        public static let off = Durability(pragmaValue: "OFF")

        public var description: String { pragmaValue.lowercased() }
    }

    /// Settings of a SQLite event store.
    public struct Configuration: Sendable {
        /// How durable each commit is. Default: Durability/full.
        public var durability: Durability = .full
        /// The most appends committed together in one transaction.
        public var maximumBatchSize: Int = 512
        /// How many connections may read at once through GRDB's reader queue, and how many more run single
        /// statements on the calling thread.
        public var maximumReaderCount: Int = 4
        /// How long a subscription that is caught up waits before looking for events appended by other
        /// processes. Appends in this process wake subscriptions at once.
        public var pollInterval: Duration = .milliseconds(100)
        /// How long to wait for another process that holds the write lock.
        public var busyTimeout: Duration = .seconds(10)
        /// Where to log.
        public var logger: Logger = Logger(label: "strata.sqlite", factory: { _ in SwiftLogNoOpLogHandler() })

        public init() {}
    }
}
