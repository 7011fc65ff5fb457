//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging

extension PostgresEventStore {
    /// Settings of a PostgreSQL event store.
    public struct Configuration: Sendable {
        /// The PostgreSQL schema the store's tables live in. Several stores can share one database, each in its own
        /// schema. A plain identifier: lower-case letters, digits and underscores, starting with a letter or `_`.
        public var schema: String = "strata"
        /// Whether ``PostgresEventStore/run()`` applies pending migrations before anything else.
        public var migrateOnStart: Bool = false
        /// The most appends committed together in one transaction.
        public var maximumBatchSize: Int = 512
        /// How long a caught-up subscription waits for a notification before it looks for new events anyway.
        /// Notifications are an optimisation: correctness never depends on them.
        public var pollInterval: Duration = .seconds(1)
        /// How long an append may wait before the store logs which transactions hold it back (checked a tenth of a
        /// second apart, so the warning may come that much later).
        public var stallWarningAfter: Duration = .seconds(5)
        /// How long to wait between attempts when the server cannot be reached by a reader.
        public var reconnectDelay: Duration = .milliseconds(250)
        /// How long an operation waits for a connection before it fails with `unavailable`.
        ///
        /// While the server cannot be reached, the client keeps trying to reconnect and holds operations back rather
        /// than failing them; this limit turns that wait into an error its caller can act on (an append is safe to
        /// retry with the same event ids). Operations also wait for a connection when every pooled connection is
        /// busy, so keep it well above the longest expected wait of that kind. The limit is checked a tenth of a
        /// second apart, so an operation may fail up to that much after it.
        ///
        /// After a long outage the client retries connecting less often (its delay grows to about a fifth of the
        /// outage, at most a minute), so operations can keep failing for that long after the server is back.
        public var connectionWaitLimit: Duration = .seconds(10)
        /// Where to log.
        public var logger: Logger = Logger(label: "strata.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

        public init() {}

        public init(schema: String) {
            self.schema = schema
        }
    }
}
