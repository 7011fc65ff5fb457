//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// Where a command came from; it flows into every event the command produces.
///
/// Each event the command appends gets:
/// - correlation id: the command's correlationID, or its commandID when it starts a new conversation;
/// - causation id: the command's causationID (the message that caused the command), or its commandID;
/// - the command's custom annotations.
public struct CommandMetadata: Hashable, Sendable {
    /// The command's own id.
    public var commandID: UUID
    /// The id shared by everything one request started.
    public var correlationID: String?
    /// The id of the message that caused this command, such as an event a process manager reacted to.
    public var causationID: String?
    /// Annotations copied into every event, such as the user who sent the command.
    public var custom: [String: String]

    public init(commandID: UUID = .timeOrdered(), correlationID: String? = nil, causationID: String? = nil, custom: [String: String] = [:]) {
        self.commandID = commandID
        self.correlationID = correlationID
        self.causationID = causationID
        self.custom = custom
    }

    /// Metadata for a command caused by `event`: same correlation, caused by the event.
    public init(causedBy event: RecordedEvent, commandID: UUID = .timeOrdered(), custom: [String: String] = [:]) {
        self.init(
            commandID: commandID,
            correlationID: event.metadata.correlationID ?? event.id.lowercasedString,
            causationID: event.id.lowercasedString,
            custom: custom
        )
    }

    /// The metadata every event of this command carries.
    public var eventMetadata: EventMetadata {
        EventMetadata(
            correlationID: correlationID ?? commandID.lowercasedString,
            causationID: causationID ?? commandID.lowercasedString,
            custom: custom
        )
    }
}
