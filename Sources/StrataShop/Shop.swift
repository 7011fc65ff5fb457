//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata

/// The example shop's command side: customers, orders and payments, over any event store.
///
/// Methods validate their input (InvalidField), apply business rules (DomainError) and return the command's
/// CommandResult, whose position is a read-your-writes token. Each takes optional metadata, an idempotency key
/// and, for existing aggregates, the expected version of a conditional command.
public struct Shop: Sendable {
    public let customers: CommandHandler<Customer>
    public let reservations: CommandHandler<EmailReservation>
    public let orders: CommandHandler<Order>
    public let payments: CommandHandler<Payment>
    /// Names email reservation streams by keyed digests; `nil` over a store that keeps no subject keys.
    public let digester: PersonalDataDigester?

    /// Customers' names and email addresses, and orders' shipping addresses, are personal data, with the customer
    /// (its stream) as subject.
    public static let personalDataRules = [
        PersonalDataRule(CustomerRegistered.self, fields: ["name", "email"]),
        PersonalDataRule(CustomerEmailChanged.self, fields: ["email"]),
        PersonalDataRule(ShippingAddressChanged.self, fields: ["address"], subject: .field("customerId", prefix: "customer-")),
    ]

    /// Creates the shop's command side.
    ///
    /// - Parameters:
    ///   - store: The event store.
    ///   - cachedAggregates: How many orders, and how many payments, are kept in memory between commands (see
    ///     AggregateCache); 0 to load each from the store every time. Customers and email reservations, which
    ///     hold personal data, are never cached, so that erasing a customer leaves no copy in memory.
    public init(store: any EventStore, cachedAggregates: Int = 10_000) {
        customers = CommandHandler(store: store, decider: Customer())
        reservations = CommandHandler(store: store, decider: EmailReservation())
        orders = CommandHandler(store: store, decider: Order(), cache: cachedAggregates > 0 ? AggregateCache(capacity: cachedAggregates) : nil)
        payments = CommandHandler(store: store, decider: Payment(), cache: cachedAggregates > 0 ? AggregateCache(capacity: cachedAggregates) : nil)
        digester = PersonalDataDigester.of(store)
    }

    // MARK: Streams

    public static func customerStream(_ id: String) throws(InvalidField) -> StreamID { try stream("customer", id, field: "customerId") }
    public static func orderStream(_ id: String) throws(InvalidField) -> StreamID { try stream("order", id, field: "orderId") }
    public static func paymentStream(orderId: String) throws(InvalidField) -> StreamID { try stream("payment", orderId, field: "orderId") }

    /// The order id of an `order-…` stream.
    public static func orderID(of stream: StreamID) -> String? {
        guard stream.category == "order" else { return nil }
        return String(stream.rawValue.dropFirst("order-".count))
    }

    private static func stream(_ category: String, _ id: String, field: String) throws(InvalidField) -> StreamID {
        guard !id.isEmpty, id.utf8.count <= 100, let stream = try? StreamID("\(category)-\(id)") else {
            throw InvalidField(field, "'\(id)' is not a valid id")
        }
        return stream
    }

    /// A new id: derived from the idempotency key when there is one, so that a retried creation creates the same thing.
    static func newID(idempotencyKey: String?) -> String {
        guard let idempotencyKey else { return UUID().lowercasedString }
        return DerivedID.uuid(from: "shop-id\u{0}\(idempotencyKey)").lowercasedString
    }
}
