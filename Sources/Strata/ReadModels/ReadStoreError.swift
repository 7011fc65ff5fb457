//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// A failure of a read store that callers do not usually branch on, with a code that says what kind.
///
/// Outcomes callers handle have their own types: ``StaleReadModel`` for read-your-writes timeouts.
public struct ReadStoreError: Error, CustomStringConvertible {
    /// The kind of failure. New codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String

        /// The read store cannot do what was asked, such as raw SQL on a store without SQL.
        public static let unsupported = Code(name: "unsupported")
        /// A document collection, table or projection is not known.
        public static let unknownName = Code(name: "unknownName")
        /// A projection has not built its read model yet: it has never run against this read store. While a
        /// service starts, its runner builds the read model within moments, so a later read can succeed.
        public static let notBuilt = Code(name: "notBuilt")
        /// A document query filters or sorts by a field that the collection does not index.
        public static let notIndexed = Code(name: "notIndexed")
        /// A stored document or row could not be decoded.
        public static let corruptData = Code(name: "corruptData")
        /// A name or argument the read store cannot take, such as a schema name that is not a plain identifier.
        public static let invalidArgument = Code(name: "invalidArgument")
        /// The database failed.
        public static let storage = Code(name: "storage")
        /// The database cannot be reached for now (a lost connection, a server starting or shutting down): worth
        /// retrying.
        public static let unavailable = Code(name: "unavailable")

        public var description: String { name }
    }

    /// The kind of failure.
    public var code: Code
    /// What happened, readable by an operator.
    public var message: String
    /// The error underneath, such as the database driver's.
    public var underlying: (any Error)?
    /// Where the error was raised.
    public var file: String
    /// Where the error was raised.
    public var line: Int

    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public var description: String {
        if let underlying { return "\(message) (\(underlying))" }
        return message
    }
}
