//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging

extension PostgresReadStore {
    /// Settings of a PostgreSQL read store.
    public struct Configuration: Sendable {
        /// The PostgreSQL schema that holds the registry, the parked events, the document collections and the
        /// projections' SQL tables. A plain identifier: lower-case letters, digits and underscores, starting with a
        /// letter or `_`. It may be in the event store's database (a schema of its own keeps the two apart) or in
        /// another database altogether.
        public var schema: String = "strata_read"
        /// How long migrate() waits for a connection while the server cannot be reached before it fails with
        /// `unavailable`, rather than for the minute postgres-nio's pool takes to give up.
        public var connectionWaitLimit: Duration = .seconds(10)
        /// How long a reader waits for a connection before it fails with `unavailable`; `nil` waits as long as the
        /// client's pool does (about a minute while the server cannot be reached).
        ///
        /// Set it for a read replica (`ReadReplicas` in Strata), so that a query on a replica that went away fails within
        /// moments and is answered from the primary instead of waiting for the pool to give up.
        public var readerConnectionWaitLimit: Duration?
        /// Where to log.
        public var logger: Logger = Logger(label: "strata.postgres.read", factory: { _ in SwiftLogNoOpLogHandler() })

        public init() {}

        public init(schema: String) {
            self.schema = schema
        }
    }
}
