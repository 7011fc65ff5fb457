//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// A projection of a domain's decoded events: the runner decodes them with ``codec``, a batch ahead while it
/// catches up, and hands each to ``apply(_:recorded:in:)``.
///
/// ```swift
/// struct OrderSummaries: EventProjection {
///     let name = "order-summary"
///     let codec = EventRegistry(OrderPlaced.self, OrderShipped.self)
///     var filter: EventFilter { .category("order").eventTypes(codec.eventTypes) }
///     var schema: ReadModelSchema { ReadModelSchema(collections: [DocumentCollection("orders", indexes: ["status"])]) }
///
///     func apply(_ event: any DomainEvent, recorded: RecordedEvent, in context: ProjectionContext) async throws {
///         let orders = try context.documents("orders", as: OrderSummary.self)
///         switch event {
///         case let placed as OrderPlaced:
///             try await orders.put(OrderSummary(customerId: placed.customer, status: "open"), key: recorded.stream.rawValue)
///         case is OrderShipped:
///             try await orders.updateIfPresent(recorded.stream.rawValue) { $0.status = "shipped" }
///         default: break
///         }
///     }
/// }
/// ```
///
/// Decoding is the largest share of a catch-up's work for small events: decoded a batch ahead, it overlaps the
/// commit of the batch before.
public protocol EventProjection<Codec>: Projection where DecodedEvent == Codec.Event? {
    /// The codec the projection's events are stored with.
    associatedtype Codec: EventCodec

    /// Decodes the projection's events.
    var codec: Codec { get }

    /// What to do with an event whose type the codec does not know: ``UnknownEventPolicy/fail`` by default (the
    /// event is retried, then parked or stops the projection, as the failure policy says), or
    /// ``UnknownEventPolicy/skip`` to pass over it.
    var unknownEvents: UnknownEventPolicy { get }

    /// Applies one decoded event to the read model.
    ///
    /// - Parameters:
    ///   - event: The decoded event.
    ///   - recorded: The event as stored: its stream, position, metadata.
    ///   - context: The read model, in the batch's transaction.
    /// - Throws: Any error to have the event retried, then parked or the projection stopped, as the failure
    ///   policy says.
    func apply(_ event: Codec.Event, recorded: RecordedEvent, in context: ProjectionContext) async throws
}

extension EventProjection {
    /// Unknown event types fail.
    public var unknownEvents: UnknownEventPolicy { .fail }

    /// The event as ``codec`` decodes it; `nil` for an unknown type that ``unknownEvents`` skips.
    public func decode(_ event: RecordedEvent) throws -> Codec.Event? {
        do {
            return try codec.decode(event)
        } catch let error as EventDecodingError where error.code == .unknownEventType && unknownEvents.skips {
            return nil
        }
    }

    /// Applies a decoded event with ``apply(_:recorded:in:)``; a skipped one changes nothing.
    public func apply(_ event: RecordedEvent, decoded: Codec.Event?, in context: ProjectionContext) async throws {
        guard let decoded else { return }
        try await apply(decoded, recorded: event, in: context)
    }

    /// Decodes `event` and applies it: for callers that hold only the stored event, such as a replay of parked
    /// events.
    public func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws {
        try await apply(event, decoded: try decode(event), in: context)
    }
}
