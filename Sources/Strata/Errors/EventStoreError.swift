//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// A failure of an event store that callers do not usually branch on, with a code that says what kind.
///
/// Outcomes that callers handle have their own types: ``WrongExpectedVersion`` and ``InvalidStreamID``.
public struct EventStoreError: Error, CustomStringConvertible {
    /// The kind of failure. New codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String

        /// An event id is already stored somewhere other than where this append would put it.
        public static let duplicateEventID = Code(name: "duplicateEventID")
        /// The arguments make no sense, such as an append of no events.
        public static let invalidArgument = Code(name: "invalidArgument")
        /// A stored row could not be turned back into an event.
        public static let corruptEvent = Code(name: "corruptEvent")
        /// The database failed or could not be reached.
        public static let storage = Code(name: "storage")
        /// The database cannot be reached right now (a lost connection, a restarting server). The operation may
        /// succeed if retried; an append whose outcome is unknown is safe to retry with the same event ids.
        public static let unavailable = Code(name: "unavailable")
        /// The stream was deleted: it reads as empty and takes no more events.
        public static let streamDeleted = Code(name: "streamDeleted")
        /// The store was closed.
        public static let closed = Code(name: "closed")

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
