//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// What an event carries besides its data: where it came from and free-form string annotations.
///
/// The *correlation id* ties together everything one request started; the *causation id* names the message
/// (command or event) that directly caused this event. Command handlers fill both from ``CommandMetadata``.
/// In JSON, metadata is one flat object: `{"correlationId": "…", "causationId": "…", "tenant": "acme"}`.
public struct EventMetadata: Hashable, Sendable {
    /// The id shared by every message one request started.
    public var correlationID: String?
    /// The id of the message that caused this event.
    public var causationID: String?
    /// Free-form annotations. The keys `correlationId` and `causationId` are reserved.
    public var custom: [String: String]

    public init(correlationID: String? = nil, causationID: String? = nil, custom: [String: String] = [:]) {
        self.correlationID = correlationID
        self.causationID = causationID
        self.custom = custom
    }

    /// The metadata as the one flat object of its JSON form: custom keys plus `correlationId` and `causationId`.
    public var flattened: [String: String] {
        var object = custom
        object[Key.correlationID.stringValue] = correlationID
        object[Key.causationID.stringValue] = causationID
        return object
    }

    /// Whether there is nothing in it.
    public var isEmpty: Bool { correlationID == nil && causationID == nil && custom.isEmpty }
}

extension EventMetadata: Codable {
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }

        static let correlationID = Key(stringValue: "correlationId")
        static let causationID = Key(stringValue: "causationId")
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        var metadata = EventMetadata()
        for key in container.allKeys {
            let value = try container.decode(String.self, forKey: key)
            switch key.stringValue {
            case Key.correlationID.stringValue: metadata.correlationID = value
            case Key.causationID.stringValue: metadata.causationID = value
            default: metadata.custom[key.stringValue] = value
            }
        }
        self = metadata
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (key, value) in flattened {
            try container.encode(value, forKey: Key(stringValue: key))
        }
    }
}
