//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// A process's own stream: one entry per event the process has seen, in order. Folding the events the entries
/// point to rebuilds the process's state.
///
/// Entries point at events rather than copy them, so that a journal never duplicates personal data (which
/// crypto-shredding could then not reach) and never shows up under the event types projections follow.
struct ProcessJournal {
    /// The type of a journal entry.
    static let entryType = "$ProcessEventHandled"

    struct Entry: Codable, Sendable {
        var stream: String
        var version: UInt64
        var position: UInt64
        var type: String
    }

    let owner: String
    let processID: String

    /// `$process-<owner>:<process id>`.
    func stream() throws -> StreamID {
        try StreamID("$process-\(owner):\(processID)")
    }

    /// The entry for `event`, with an id derived from the owner and the event, so that recording it again after
    /// a replay is an idempotent no-op.
    func entry(for event: RecordedEvent) throws -> NewEvent {
        let entry = Entry(stream: event.stream.rawValue, version: event.version.value, position: event.position.value, type: event.type)
        return NewEvent(
            id: DerivedID.uuid(from: "\(owner)\u{0}\(event.id.uuidString)"),
            type: Self.entryType,
            data: try JSONEncoder().encode(entry),
            metadata: EventMetadata(correlationID: event.metadata.correlationID ?? event.id.lowercasedString, causationID: event.id.lowercasedString)
        )
    }
}
