//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata

/// An order as the API shows it: denormalized, with the customer's name and the total.
///
/// Lossless (every property is encoded as it is), so the projection keeps orders decoded between batches.
public struct OrderDetails: LosslessDocument, Hashable, Sendable {
    public var id: String
    public var customerId: String
    public var customerName: String
    public var lines: [OrderLine]
    public var totalCents: Int
    public var status: Order.Status
    public var shippingAddress: ShippingAddress?
}

/// One line of a customer's order list.
public struct CustomerOrder: Codable, Hashable, Sendable {
    public var id: String
    public var status: Order.Status
    public var totalCents: Int

    public init(id: String, status: Order.Status, totalCents: Int) {
        self.id = id
        self.status = status
        self.totalCents = totalCents
    }
}

/// Paid orders of one day (UTC, by the time the payment was recorded).
public struct DailySales: Codable, Hashable, Sendable {
    public var date: String
    public var orders: Int
    public var totalCents: Int

    public init(date: String, orders: Int, totalCents: Int) {
        self.date = date
        self.orders = orders
        self.totalCents = totalCents
    }
}

/// The shop's read models, kept by one projection so that they agree with each other: order details (indexed
/// by customer, which also answers "a customer's orders"), the customers' names they show, and daily sales.
public struct ShopViews: EventProjection {
    public let name = "shop-views"
    public let version = 1
    public let codec = EventRegistry(
        CustomerRegistered.self,
        CustomerForgotten.self,
        OrderPlaced.self,
        OrderLineAdded.self,
        OrderLineRemoved.self,
        ShippingAddressChanged.self,
        OrderConfirmed.self,
        OrderPaid.self,
        OrderCancelled.self
    )
    public var filter: EventFilter { .eventTypes(codec.eventTypes) }
    public var schema: ReadModelSchema {
        ReadModelSchema(collections: [
            DocumentCollection("orders", indexes: ["customerId", "status"]),
            DocumentCollection("customers"),
            DocumentCollection("daily_sales", indexes: ["date"]),
        ])
    }
    public var failurePolicy: ProjectionFailurePolicy? { nil }

    public init() {}

    /// The order's own rules for adding a line; made once, as a decider builds its codec when made.
    private static let order = Order()

    private struct CustomerName: Codable, Sendable {
        var name: String
    }

    /// An order's events change its details, read ahead with the rest of the batch's.
    public func documentKeys(for event: RecordedEvent) -> [DocumentKey] {
        event.stream.category == "order" ? [DocumentKey("orders", event.stream.rawValue)] : []
    }

    public func apply(_ decoded: any DomainEvent, recorded event: RecordedEvent, in context: ProjectionContext) async throws {
        let orders = try context.documents("orders", as: OrderDetails.self)
        let key = event.stream.rawValue
        switch decoded {
        case let registered as CustomerRegistered:
            try await context.documents("customers", as: CustomerName.self).put(CustomerName(name: registered.name), key: registered.customerId)
        case let forgotten as CustomerForgotten:
            try await redact(forgotten.customerId, in: context)
        case let placed as OrderPlaced:
            let customer = try await context.documents("customers", as: CustomerName.self).get(placed.customerId)
            try await orders.put(
                OrderDetails(
                    id: placed.orderId,
                    customerId: placed.customerId,
                    customerName: customer?.name ?? "",
                    lines: [],
                    totalCents: 0,
                    status: .open,
                    shippingAddress: nil
                ),
                key: key
            )
        case let added as OrderLineAdded:
            try await orders.updateIfPresent(key) { order in
                let state = Self.order.evolve(Order.State(status: .open, lines: order.lines), event: added)
                order.lines = state.lines
                order.totalCents = try Self.total(of: state.lines, in: event)
            }
        case let removed as OrderLineRemoved:
            try await orders.updateIfPresent(key) { order in
                order.lines.removeAll { $0.sku == removed.sku }
                order.totalCents = try Self.total(of: order.lines, in: event)
            }
        case let changed as ShippingAddressChanged:
            try await orders.updateIfPresent(key) { $0.shippingAddress = changed.address }
        case is OrderConfirmed:
            try await orders.updateIfPresent(key) { $0.status = .confirmed }
        case is OrderCancelled:
            try await orders.updateIfPresent(key) { $0.status = .cancelled }
        case is OrderPaid:
            var total = 0
            try await orders.updateIfPresent(key) { order in
                order.status = .paid
                total = order.totalCents
            }
            let date = Self.day(of: event.recordedAt)
            try await context.documents("daily_sales", as: DailySales.self).update(date, default: DailySales(date: date, orders: 0, totalCents: 0)) {
                let (sum, overflow) = $0.totalCents.addingReportingOverflow(total)
                guard !overflow else { throw EventBeyondLimits(event, "the day's sales overflow") }
                $0.orders += 1
                $0.totalCents = sum
            }
        default:
            break
        }
    }

    /// The total the view shows for `lines`.
    ///
    /// - Throws: EventBeyondLimits when a line or the total is beyond the shop's limits: the event is parked
    ///   (the view stays as it was) instead of showing a wrong or overflowing total.
    static func total(of lines: [OrderLine], in event: RecordedEvent) throws(EventBeyondLimits) -> Int {
        guard lines.allSatisfy(\.isWithinLimits) else { throw EventBeyondLimits(event, "a line is beyond the quantity or price limits") }
        // Lines within limits cannot overflow one by one; the sum of many still could.
        var total = 0
        for line in lines {
            let (sum, overflow) = total.addingReportingOverflow(line.amountCents)
            guard !overflow, sum <= Order.totalLimit else { throw EventBeyondLimits(event, "the order total is beyond its limit") }
            total = sum
        }
        return total
    }

    /// Drops a forgotten customer's personal data (name, shipping addresses) from the views, as they would read
    /// if rebuilt from the log, where it is redacted by now: in place, without a rebuild, so that the event's
    /// position tells a reader when the views no longer show it.
    private func redact(_ customerId: String, in context: ProjectionContext) async throws {
        let redacted = "[redacted]"
        try await context.documents("customers", as: CustomerName.self).put(CustomerName(name: redacted), key: customerId)
        let orders = try context.documents("orders", as: OrderDetails.self)
        for var order in try await orders.find(.where("customerId", .equal, .text(customerId))) {
            order.customerName = redacted
            order.shippingAddress = nil
            try await orders.put(order, key: "order-\(order.id)")
        }
    }

    /// `yyyy-MM-dd` in UTC.
    static func day(of date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}

/// One order's details; `nil` for an unknown order.
public struct OrderDetailsQuery: Query {
    public var orderId: String
    public var projections: [String] { ["shop-views"] }

    public init(orderId: String) { self.orderId = orderId }

    public func run(on reader: ReadModelReader) async throws -> OrderDetails? {
        try await OrderDetailsJSONQuery(orderId: orderId).run(on: reader)?.decode()
    }
}

/// One order's details as the view stores them, to hand on without decoding (the HTTP API does); `nil` for an
/// unknown order.
public struct OrderDetailsJSONQuery: Query {
    public var orderId: String
    public var projections: [String] { ["shop-views"] }

    public init(orderId: String) { self.orderId = orderId }

    public func run(on reader: ReadModelReader) async throws -> DocumentJSON<OrderDetails>? {
        try await reader.documents("orders", of: "shop-views", as: OrderDetails.self).json("order-\(orderId)")
    }
}

/// A customer's orders, oldest id first.
public struct CustomerOrdersQuery: Query {
    public var customerId: String
    public var projections: [String] { ["shop-views"] }

    public init(customerId: String) { self.customerId = customerId }

    public func run(on reader: ReadModelReader) async throws -> [CustomerOrder] {
        try await reader.documents("orders", of: "shop-views", as: OrderDetails.self)
            .find(.where("customerId", .equal, .text(customerId)))
            .map { CustomerOrder(id: $0.id, status: $0.status, totalCents: $0.totalCents) }
            .sorted { $0.id < $1.id }
    }
}

/// Sales of paid orders per day, oldest first.
public struct DailySalesQuery: Query {
    public var projections: [String] { ["shop-views"] }

    public init() {}

    public func run(on reader: ReadModelReader) async throws -> [DailySales] {
        try await reader.documents("daily_sales", of: "shop-views", as: DailySales.self).find(DocumentQuery.all.sorted(by: "date"))
    }
}
