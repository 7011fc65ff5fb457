//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// A recorded event could not be turned into a domain event.
public struct EventDecodingError: Error, CustomStringConvertible {
    /// The kind of failure. New codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String

        /// No event type is registered under the stored type name.
        public static let unknownEventType = Code(name: "unknownEventType")
        /// The stored data does not decode as the registered type.
        public static let undecodableData = Code(name: "undecodableData")
        /// An upcaster threw, or no upcaster leads from the stored schema version to the current one.
        public static let upcastFailed = Code(name: "upcastFailed")
        /// The event was stored with a newer schema version than this build knows.
        public static let unsupportedSchemaVersion = Code(name: "unsupportedSchemaVersion")

        public var description: String { name }
    }

    /// The kind of failure.
    public var code: Code
    /// The stored type name.
    public var eventType: String
    /// Where the event is.
    public var stream: StreamID
    /// Where the event is.
    public var position: GlobalPosition
    /// The decoder's error, for undecodable data.
    public var underlying: (any Error)?

    public init(code: Code, eventType: String, stream: StreamID, position: GlobalPosition, underlying: (any Error)? = nil) {
        self.code = code
        self.eventType = eventType
        self.stream = stream
        self.position = position
        self.underlying = underlying
    }

    public var description: String {
        switch code {
        case .unknownEventType:
            return "unknown event type '\(eventType)' at position \(position) in stream '\(stream)'"
        case .upcastFailed:
            return
                "cannot upcast event of type '\(eventType)' at position \(position) in stream '\(stream)': \(underlying.map { "\($0)" } ?? "no detail")"
        case .unsupportedSchemaVersion:
            return
                "event of type '\(eventType)' at position \(position) in stream '\(stream)' has a newer schema version than this build knows: \(underlying.map { "\($0)" } ?? "no detail")"
        default:
            return
                "cannot decode event of type '\(eventType)' at position \(position) in stream '\(stream)': \(underlying.map { "\($0)" } ?? "no detail")"
        }
    }
}

/// A domain event could not be encoded for storage.
public struct EventEncodingError: Error, CustomStringConvertible {
    /// What went wrong.
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
