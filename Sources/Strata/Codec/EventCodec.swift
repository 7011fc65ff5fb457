//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// Turns a domain's events into stored form and back.
///
/// ``EventRegistry`` is the usual implementation; write your own to store events in another format.
public protocol EventCodec<Event>: Sendable {
    /// The domain's event type: an enum, or `any DomainEvent`.
    associatedtype Event: Sendable

    /// The stable type name and JSON data of `event`.
    func encode(_ event: Event) throws -> (type: String, data: Data)

    /// Decodes a recorded event.
    ///
    /// - Throws: ``EventDecodingError`` with code ``EventDecodingError/Code/unknownEventType`` when the type name is
    ///   not known, ``EventDecodingError/Code/undecodableData`` when the data does not decode.
    func decode(_ event: RecordedEvent) throws -> Event

    /// The schema version events of the stored type `name` are written with; 1 by default.
    func schemaVersion(ofType name: String) -> Int
}

/// What to do with a stored event whose type name the codec does not know.
public struct UnknownEventPolicy: Hashable, Sendable {
    let skips: Bool

    /// Throw ``EventDecodingError``: the safe default, since a reader that skips may compute the wrong state.
    public static let fail = UnknownEventPolicy(skips: false)
    /// Leave the event out, for readers that only care about some types (for example an older build
    /// reading events that a newer one introduced).
    public static let skip = UnknownEventPolicy(skips: true)
}

extension EventCodec {
    public func schemaVersion(ofType name: String) -> Int { 1 }

    /// Encodes `event` as a ``NewEvent`` ready to append, stamped with its type's schema version.
    public func newEvent(_ event: Event, id: UUID = .timeOrdered(), metadata: EventMetadata = EventMetadata()) throws -> NewEvent {
        let (type, data) = try encode(event)
        return NewEvent(id: id, type: type, data: data, metadata: metadata, schemaVersion: schemaVersion(ofType: type))
    }

    /// Decodes recorded events in order, skipping or failing on unknown types as `unknownTypes` says.
    public func decode(_ events: [RecordedEvent], unknownTypes: UnknownEventPolicy) throws -> [Event] {
        var decoded: [Event] = []
        decoded.reserveCapacity(events.count)
        for event in events {
            do {
                decoded.append(try decode(event))
            } catch let error as EventDecodingError where error.code == .unknownEventType && unknownTypes.skips {
                continue
            }
        }
        return decoded
    }
}
