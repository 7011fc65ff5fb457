//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// Maps a domain's `Codable` event types to stable type names and back, as JSON.
///
/// With events as separate types, list them:
/// ```swift
/// let events = EventRegistry(Opened.self, Deposited.self)          // an EventCodec<any DomainEvent>
/// ```
/// With an enum of events, say how to wrap each type in the enum and how to get it back out:
/// ```swift
/// let events = EventRegistry<AccountEvent>(unwrap: \.payload)
///     .registering(Opened.self, wrap: AccountEvent.opened)
///     .registering(Deposited.self, wrap: AccountEvent.deposited)
/// ```
/// Decoding an unregistered type name throws EventDecodingError; encoding an unregistered type throws
/// EventEncodingError. Dates are ISO 8601 in JSON.
public struct EventRegistry<Event: Sendable>: EventCodec {
    private typealias Decode = @Sendable (Data, JSONDecoder) throws -> Event

    private var decoders: [String: Decode] = [:]
    private var names: [ObjectIdentifier: String] = [:]
    private let unwrap: @Sendable (Event) -> any DomainEvent

    /// Creates an empty registry for an event type that wraps domain events (usually an enum).
    ///
    /// - Parameter unwrap: Returns the domain event an `Event` carries.
    public init(unwrap: @escaping @Sendable (Event) -> any DomainEvent) {
        self.unwrap = unwrap
    }

    /// A registry that also knows `type`, stored as `name` (by default its `eventType`).
    ///
    /// - Parameters:
    ///   - type: The event type.
    ///   - name: The stored type name; defaults to `type.eventType`.
    ///   - wrap: Wraps a decoded `type` as an `Event`.
    public func registering<E: DomainEvent>(_ type: E.Type, as name: String = E.eventType, wrap: @escaping @Sendable (E) -> Event) -> Self {
        var copy = self
        copy.decoders[name] = { data, decoder in wrap(try decoder.decode(E.self, from: data)) }
        copy.names[ObjectIdentifier(type)] = name
        return copy
    }

    /// The stored type names this registry knows.
    public var eventTypes: Set<String> { Set(decoders.keys) }

    public func encode(_ event: Event) throws -> (type: String, data: Data) {
        let payload = unwrap(event)
        guard let name = names[ObjectIdentifier(Swift.type(of: payload))] else {
            throw EventEncodingError("event type \(Swift.type(of: payload)) is not registered")
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return (name, try encoder.encode(payload))
    }

    public func decode(_ event: RecordedEvent) throws -> Event {
        guard let decode = decoders[event.type] else {
            throw EventDecodingError(code: .unknownEventType, eventType: event.type, stream: event.stream, position: event.position)
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decode(event.data, decoder)
        } catch {
            throw EventDecodingError(
                code: .undecodableData,
                eventType: event.type,
                stream: event.stream,
                position: event.position,
                underlying: error
            )
        }
    }
}

extension EventRegistry where Event == any DomainEvent {
    /// Creates a registry of event types used directly as `any DomainEvent`.
    public init(_ types: any DomainEvent.Type...) {
        self.init(unwrap: { $0 })
        for type in types {
            self = adding(type)
        }
    }

    /// A registry that also knows `type`.
    public func registering<E: DomainEvent>(_ type: E.Type, as name: String = E.eventType) -> Self {
        registering(type, as: name, wrap: { $0 })
    }

    private func adding<E: DomainEvent>(_ type: E.Type) -> Self {
        registering(type)
    }
}
