//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
@testable import StrataShop

/// What the fuzzer drives: every parser and decoder that takes text from a request or bytes from the log.
///
/// The first byte of an input picks the path and the rest is its text, so that one corpus covers them all and
/// the fuzzer can move an input from one path to another. A path may throw (bad input is expected); a crash or
/// a trap is the only failure.
enum FuzzTarget {
    static func run(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let data = Data(bytes.dropFirst())
        switch selector % 4 {
        case 0: numbersAndNames(String(decoding: data, as: UTF8.self))
        case 1: requestBodies(data)
        case 2: storedEvents(data)
        default: _ = try? JSONValue(parsing: data).encoded()
        }
    }

    /// Positions, versions, expected versions, stream ids, email addresses and text fields, as headers, paths and
    /// bodies give them.
    static func numbersAndNames(_ text: String) {
        _ = GlobalPosition(parsing: text)?.next
        _ = StreamVersion(parsing: text)?.next
        _ = ExpectedVersion(parsing: text)
        _ = BoundedInteger.parse(text, maximum: .max)
        if let stream = try? StreamID(text) { _ = stream.category }
        _ = try? Shop.orderStream(text)
        _ = try? Shop.customerStream(text)
        _ = (try? EmailAddress(text))?.unkeyedReservationStream
        _ = try? TextField.validated(text, field: "sku", limit: TextField.skuLimit)
    }

    private struct LineBody: Decodable {
        var sku: String
        var quantity: Int
        var unitPriceCents: Int
    }

    private struct AddressBody: Decodable {
        var street: String
        var city: String
        var postalCode: String
        var country: String
    }

    /// Command bodies, decoded as the shop's routes decode them and turned into the domain's values.
    static func requestBodies(_ data: Data) {
        let decoder = JSONDecoder()
        if let body = try? decoder.decode(LineBody.self, from: data),
            let line = try? OrderLine(sku: body.sku, quantity: body.quantity, unitPriceCents: body.unitPriceCents)
        {
            var state = Order.State(status: .open, lines: [line])
            state = Order().evolve(state, event: OrderLineAdded(line: line))
            _ = try? Order().decide(.addLine(line), state: state)
            _ = try? Order().decide(.confirm, state: state)
        }
        if let body = try? decoder.decode(AddressBody.self, from: data) {
            _ = try? ShippingAddress(street: body.street, city: body.city, postalCode: body.postalCode, country: body.country)
        }
    }

    private static let stream: StreamID = "order-fuzz"
    private static let codec = EventRegistry(
        CustomerRegistered.self, CustomerEmailChanged.self, EmailReserved.self, EmailReleased.self, OrderPlaced.self,
        OrderLineAdded.self, OrderLineRemoved.self, ShippingAddressChanged.self, OrderConfirmed.self, OrderPaid.self,
        OrderCancelled.self, PaymentSucceeded.self, PaymentDeclined.self
    )
    private static let eventTypes = codec.eventTypes.sorted()

    /// Stored event data of every shop type, decoded and folded by the aggregates, and totalled as the views do.
    static func storedEvents(_ data: Data) {
        for type in eventTypes {
            let event = RecordedEvent(
                id: UUID(), stream: stream, version: 1, position: 2, type: type, data: data, metadata: EventMetadata(), recordedAt: Date())
            guard let decoded = try? codec.decode(event) else { continue }
            let order = Order()
            let placed = order.evolve(order.initialState, event: OrderPlaced(orderId: "fuzz", customerId: "c"))
            let state = order.evolve(order.evolve(placed, event: decoded), event: decoded)
            _ = state.totalCents
            _ = try? ShopViews.total(of: state.lines, in: event)
            _ = try? order.decide(.confirm, state: state)
            _ = Payment().evolve(false, event: decoded)
            _ = Customer().evolve(Customer().initialState, event: decoded)
            _ = EmailReservation().evolve(nil, event: decoded)
        }
    }
}
