//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata

/// The JSON shape of a recorded event, the same in HTTP responses, `/events` and `strata events` output.
///
/// ```json
/// {"data":{"owner":"Ada"},"eventId":"…","metadata":{"correlationId":"…"},"position":7,
///  "recordedAt":"2025-01-31T09:15:02.123Z","stream":"account-1","type":"AccountOpened","version":0}
/// ```
/// `data` is the event's JSON embedded as JSON, its numbers kept as `JSONValue` keeps them. Data that is not
/// JSON (written by some other client) is reported as `"data": null` plus `dataBase64`, so that nothing is lost
/// and every line stays valid JSON.
///
/// Encode it with an encoder that sorts keys and leaves slashes unescaped, as the `data(for:)` functions do;
/// code that encodes many events one by one keeps one such encoder for all of them.
public struct EventJSON: Encodable, Sendable {
    /// The event's global position.
    public var position: UInt64
    /// The event's stream.
    public var stream: String
    /// The event's version in its stream.
    public var version: UInt64
    /// The event's type name.
    public var type: String
    /// The event's id, in lowercase.
    public var eventId: String
    /// The event's metadata as one flat object (`EventMetadata.flattened`).
    public var metadata: [String: String]
    /// When the event was recorded, as an ISO 8601 timestamp with milliseconds.
    public var recordedAt: String
    /// The event's data; `nil` (written as `null`) when it is not JSON.
    public var data: JSONValue?
    /// The event's data in base64 when it is not JSON; otherwise `nil`, and left out.
    public var dataBase64: String?

    /// The JSON shape of `event`.
    public init(_ event: RecordedEvent) {
        position = event.position.value
        stream = event.stream.rawValue
        version = event.version.value
        type = event.type
        eventId = event.id.lowercasedString
        metadata = event.metadata.flattened
        recordedAt = event.recordedAt.iso8601Timestamp
        if let data = try? JSONValue(parsing: event.data) {
            self.data = data
        } else {
            dataBase64 = event.data.base64EncodedString()
        }
    }

    private enum CodingKeys: String, CodingKey {
        case position, stream, version, type, eventId, metadata, recordedAt, data, dataBase64
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(position, forKey: .position)
        try container.encode(stream, forKey: .stream)
        try container.encode(version, forKey: .version)
        try container.encode(type, forKey: .type)
        try container.encode(eventId, forKey: .eventId)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(recordedAt, forKey: .recordedAt)
        // `data` is always there, `null` when the data is not JSON; `dataBase64` only then.
        try container.encode(data ?? .null, forKey: .data)
        try container.encodeIfPresent(dataBase64, forKey: .dataBase64)
    }

    /// The event as compact JSON text with sorted keys.
    public static func data(for event: RecordedEvent) throws -> Data {
        try JSONEncoder.strata(.readable).encode(EventJSON(event))
    }

    /// Events as a JSON array.
    public static func data(for events: [RecordedEvent]) throws -> Data {
        try JSONEncoder.strata(.readable).encode(events.map(EventJSON.init))
    }
}
