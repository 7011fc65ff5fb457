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
/// Decoding an unregistered type name throws ``EventDecodingError``; encoding an unregistered type throws
/// ``EventEncodingError``. Dates are ISO 8601 in JSON.
///
/// ## Schema evolution
/// Events are stored with their type's ``DomainEvent/schemaVersion`` and never rewritten. When a type changes
/// shape, raise its schema version and register an upcaster from each older version; decoding runs them in
/// a chain, from the stored version up to the current one. Renamed types map their old stored names:
/// ```swift
/// let events = EventRegistry(Opened.self, Deposited.self)               // Deposited.schemaVersion == 3
///     .renaming("AccountCredited", to: "AccountDeposited")
///     .upcasting("AccountDeposited", from: 1) { json in                   // v1 {"amount": 12} (whole euros)
///         json["amountCents"] = .int((json["amount"]?.intValue ?? 0) * 100)
///         json["amount"] = nil
///     }
///     .upcasting("AccountDeposited", from: 2, DepositedV2.self) { v2 in   // v2 → v3, typed
///         Deposited(amount: Money(cents: v2.amountCents, currency: "EUR"))
///     }
/// ```
/// An upcaster that throws, or a missing step, makes decoding throw ``EventDecodingError`` with code
/// ``EventDecodingError/Code/upcastFailed``, naming the event.
public struct EventRegistry<Event: Sendable>: EventCodec {
    private typealias Decode = @Sendable (Data, JSONDecoder) throws -> Event

    private var decoders: [String: Decode] = [:]
    private var names: [ObjectIdentifier: String] = [:]
    private var currentSchemaVersions: [String: Int] = [:]
    private var upcasters: [String: [Int: EventUpcaster]] = [:]
    private var renames: [String: String] = [:]
    private let unwrap: @Sendable (Event) -> any DomainEvent
    /// Shared by every encode and decode: making a coder per event costs more than coding a small event.
    private let encoder = JSONEncoder.strata(.storage)
    private let streaming = StreamingJSONEncoder()
    private let decoder = JSONDecoder.strata()

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
        copy.currentSchemaVersions[name] = E.schemaVersion
        return copy
    }

    /// A registry that reads events stored under `oldName` as events of type `newName` (which keeps its own
    /// schema versions and upcasters).
    public func renaming(_ oldName: String, to newName: String) -> Self {
        var copy = self
        copy.renames[oldName] = newName
        return copy
    }

    /// A registry that turns `eventType`'s data from schema version `version` into version `version + 1` by
    /// editing its JSON.
    public func upcasting(_ eventType: String, from version: Int, _ transform: @escaping @Sendable (inout JSONValue) throws -> Void) -> Self {
        adding(.json(from: version, transform), to: eventType)
    }

    /// A registry that turns `eventType`'s data from schema version `version` into version `version + 1` by
    /// decoding it as `old` and encoding what `transform` returns.
    public func upcasting<Old: Decodable & SendableMetatype, New: Encodable & SendableMetatype>(
        _ eventType: String,
        from version: Int,
        _ old: Old.Type,
        _ transform: @escaping @Sendable (Old) throws -> New
    ) -> Self {
        adding(.typed(from: version, old, transform), to: eventType)
    }

    private func adding(_ upcaster: EventUpcaster, to eventType: String) -> Self {
        var copy = self
        copy.upcasters[eventType, default: [:]][upcaster.fromVersion] = upcaster
        return copy
    }

    /// The stored type names this registry knows, old names of renamed types included.
    public var eventTypes: Set<String> { Set(decoders.keys).union(renames.keys) }

    public func schemaVersion(ofType name: String) -> Int { currentSchemaVersions[name] ?? 1 }

    public func encode(_ event: Event) throws -> (type: String, data: Data) {
        let payload = unwrap(event)
        guard let name = names[ObjectIdentifier(Swift.type(of: payload))] else {
            throw EventEncodingError("event type \(Swift.type(of: payload)) is not registered")
        }
        return (name, try encodeData(payload))
    }

    /// The event's JSON, written in one pass when the streaming encoder can; anything it does not reproduce (and
    /// any error, which `JSONEncoder` then throws again) goes through `JSONEncoder`.
    private func encodeData(_ payload: any DomainEvent) throws -> Data {
        do {
            return try streaming.encode(payload)
        } catch {
            return try encoder.encode(payload)
        }
    }

    public func decode(_ event: RecordedEvent) throws -> Event {
        let name = renames[event.type] ?? event.type
        guard let decode = decoders[name] else {
            throw EventDecodingError(code: .unknownEventType, eventType: event.type, stream: event.stream, position: event.position)
        }
        let data = try upcast(event, as: name)
        do {
            return try decode(data, decoder)
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

extension EventRegistry {
    /// The event's data in its type's current shape.
    private func upcast(_ event: RecordedEvent, as name: String) throws -> Data {
        let current = schemaVersion(ofType: name)
        guard event.schemaVersion != current else { return event.data }
        func failure(_ code: EventDecodingError.Code, _ underlying: any Error) -> EventDecodingError {
            EventDecodingError(code: code, eventType: event.type, stream: event.stream, position: event.position, underlying: underlying)
        }
        guard event.schemaVersion < current else {
            throw failure(.unsupportedSchemaVersion, EventEncodingError("stored version \(event.schemaVersion), this build knows up to \(current)"))
        }
        var data = event.data
        for version in event.schemaVersion..<current {
            guard let step = upcasters[name]?[version] else {
                throw failure(.upcastFailed, EventEncodingError("no upcaster from schema version \(version) of '\(name)'"))
            }
            do {
                data = try step.transform(data)
            } catch {
                throw failure(.upcastFailed, error)
            }
        }
        return data
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
