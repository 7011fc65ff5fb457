//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// An event or a deadline a process manager could not handle, set aside so that the process manager keeps
/// running.
///
/// Parked entries are events in the stream `$parked-process-<name>`, so every backend keeps them without a
/// table of its own and an operator reads them like any stream.
public struct ParkedProcessEvent: Codable, Hashable, Sendable {
    /// What was parked.
    public struct Kind: Codable, Hashable, Sendable, CustomStringConvertible {
        let name: String

        /// An event from the log.
        public static let event = Kind(name: "event")
        /// A scheduled command whose deadline came.
        public static let deadline = Kind(name: "deadline")

        public init(from decoder: any Decoder) throws { name = try decoder.singleValueContainer().decode(String.self) }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(name)
        }

        init(name: String) { self.name = name }

        public var description: String { name }
    }

    /// The type of a parked entry in the parked stream.
    static let entryType = "$ProcessEventParked"

    /// What was parked.
    public var kind: Kind
    /// The process it belongs to, when it could be told.
    public var processID: String?
    /// For an event: its position, stream, version and type.
    public var position: UInt64?
    public var stream: String?
    public var version: UInt64?
    public var type: String?
    /// For a deadline: the scheduled command's id.
    public var scheduledCommandID: String?
    /// Why it was parked: the error's type and, for errors the domain raises, their message.
    public var reason: String
    /// How often it was tried.
    public var attempts: Int

    init(event: RecordedEvent, processID: String?, reason: String, attempts: Int) {
        kind = .event
        self.processID = processID
        position = event.position.value
        stream = event.stream.rawValue
        version = event.version.value
        type = event.type
        self.reason = reason
        self.attempts = attempts
    }

    init(deadline: ScheduledCommand, reason: String, attempts: Int) {
        kind = .deadline
        processID = deadline.processID
        scheduledCommandID = deadline.id
        self.reason = reason
        self.attempts = attempts
    }

    /// `$parked-process-<owner>`.
    static func stream(owner: String) throws -> StreamID {
        try StreamID("$parked-process-\(owner)")
    }
}
