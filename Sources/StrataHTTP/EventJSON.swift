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
/// `data` is the event's JSON embedded as JSON. Data that is not JSON (written by some other client) is
/// reported as `"data": null` plus `dataBase64`, so that nothing is lost and every line stays valid JSON.
public enum EventJSON {

    /// The event as a JSON object.
    public static func object(for event: RecordedEvent) -> [String: Any] {
        var object: [String: Any] = [
            "position": event.position.value,
            "stream": event.stream.rawValue,
            "version": event.version.value,
            "type": event.type,
            "eventId": event.id.lowercasedString,
            "metadata": event.metadata.flattened,
            "recordedAt": event.recordedAt.iso8601Timestamp,
        ]
        if let data = try? JSONSerialization.jsonObject(with: event.data, options: [.fragmentsAllowed]) {
            object["data"] = data
        } else {
            object["data"] = NSNull()
            object["dataBase64"] = event.data.base64EncodedString()
        }
        return object
    }

    /// The event as compact JSON text with sorted keys.
    public static func data(for event: RecordedEvent) throws -> Data {
        try JSONSerialization.data(withJSONObject: object(for: event), options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// Events as a JSON array.
    public static func data(for events: [RecordedEvent]) throws -> Data {
        try JSONSerialization.data(withJSONObject: events.map(object(for:)), options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
