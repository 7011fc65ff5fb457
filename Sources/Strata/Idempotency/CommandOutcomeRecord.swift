//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// The stored outcome of a command sent with an idempotency key.
///
/// ``CommandHandler`` writes the outcome (its own JSON) and the command's events in one transaction, so a
/// command is never left appended without its outcome or the other way round.
public struct CommandOutcomeRecord: Hashable, Sendable {
    /// The idempotency key the command was sent with.
    public var key: String
    /// A digest of the command and its stream: a key reused for a different command is an error.
    public var fingerprint: String
    /// The stream the command was handled on.
    public var stream: StreamID
    /// What happened, as the command handler encoded it.
    public var outcome: Data
    /// The stream's version after the command; for an outcome recorded with an append, the store sets it to
    /// the append's result.
    public var streamVersion: StreamVersion?
    /// The position of the stream's last event after the command; set like streamVersion.
    public var position: GlobalPosition
    /// When the outcome was recorded; keys expire by it.
    public var recordedAt: Date

    public init(
        key: String,
        fingerprint: String,
        stream: StreamID,
        outcome: Data,
        streamVersion: StreamVersion?,
        position: GlobalPosition,
        recordedAt: Date
    ) {
        self.key = key
        self.fingerprint = fingerprint
        self.stream = stream
        self.outcome = outcome
        self.streamVersion = streamVersion
        self.position = position
        self.recordedAt = recordedAt
    }
}

/// What recording a command's outcome did.
public enum CommandOutcomeRecording: Hashable, Sendable {
    /// The outcome is recorded (with the append's version and position, when it appended).
    case recorded(CommandOutcomeRecord)
    /// An unexpired outcome was already recorded under the key: nothing was written, and this is it.
    case alreadyRecorded(CommandOutcomeRecord)
}
