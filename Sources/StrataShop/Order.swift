//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

/// Where an order goes.
public struct ShippingAddress: Codable, Hashable, Sendable {
    public var street: String
    public var city: String
    public var postalCode: String
    public var country: String

    /// - Throws: InvalidField for the first part that is empty, longer than ``TextField/addressPartLimit`` bytes
    ///   or holds control characters.
    public init(street: String, city: String, postalCode: String, country: String) throws(InvalidField) {
        let limit = TextField.addressPartLimit
        self.street = try TextField.validated(street, field: "street", limit: limit)
        self.city = try TextField.validated(city, field: "city", limit: limit)
        self.postalCode = try TextField.validated(postalCode, field: "postalCode", limit: limit)
        self.country = try TextField.validated(country, field: "country", limit: limit)
    }
}

/// One line of an order.
///
/// New lines keep to ``quantityLimit`` and ``unitPriceLimit``, so that every total the shop computes stays far
/// from integer overflow. Decoding does not check them: a line stored by an older version may lie outside them,
/// and code that folds stored lines uses saturating arithmetic (``Order/State/totalCents``) or rejects the line
/// (the views park it).
public struct OrderLine: Codable, Hashable, Sendable {
    /// The quantities a line may have.
    public static let quantityLimit = 1...10_000
    /// The unit prices a line may have, in cents: up to 1,000,000.00.
    public static let unitPriceLimit = 0...100_000_000

    public var sku: String
    public var quantity: Int
    public var unitPriceCents: Int

    /// - Throws: InvalidField for a sku that is empty, longer than ``TextField/skuLimit`` bytes or holds control
    ///   characters, a quantity outside ``quantityLimit`` or a price outside ``unitPriceLimit``.
    public init(sku: String, quantity: Int, unitPriceCents: Int) throws(InvalidField) {
        let sku = try TextField.validated(sku, field: "sku", limit: TextField.skuLimit)
        guard Self.quantityLimit.contains(quantity) else {
            throw InvalidField("quantity", "must be from \(Self.quantityLimit.lowerBound) to \(Self.quantityLimit.upperBound), not \(quantity)")
        }
        guard Self.unitPriceLimit.contains(unitPriceCents) else {
            throw InvalidField(
                "unitPriceCents",
                "must be from \(Self.unitPriceLimit.lowerBound) to \(Self.unitPriceLimit.upperBound), not \(unitPriceCents)"
            )
        }
        (self.sku, self.quantity, self.unitPriceCents) = (sku, quantity, unitPriceCents)
    }

    /// Whether the line keeps to the limits new lines are held to.
    public var isWithinLimits: Bool {
        Self.quantityLimit.contains(quantity) && Self.unitPriceLimit.contains(unitPriceCents)
    }

    /// The line's amount, saturating at `Int.max` for a stored line beyond the limits.
    public var amountCents: Int { quantity.saturatingMultiply(unitPriceCents) }
}

public struct OrderPlaced: DomainEvent, Equatable {
    public static let eventType = "OrderPlaced"
    public var orderId: String
    public var customerId: String
}

public struct OrderLineAdded: DomainEvent, Equatable {
    public static let eventType = "OrderLineAdded"
    public var line: OrderLine
}

public struct OrderLineRemoved: DomainEvent, Equatable {
    public static let eventType = "OrderLineRemoved"
    public var sku: String
}

/// An order's shipping address changed. The address is personal data of the order's customer, named by
/// `customerId` (Shop/personalDataRules): once the customer is forgotten it reads as `nil`.
public struct ShippingAddressChanged: DomainEvent, Equatable {
    public static let eventType = "ShippingAddressChanged"
    /// The order's customer, the address's data subject; `nil` in events recorded before it was named, which
    /// were stored in plain.
    public var customerId: String?
    public var address: ShippingAddress?
}

public struct OrderConfirmed: DomainEvent, Equatable {
    public static let eventType = "OrderConfirmed"
    public var totalCents: Int
}

public struct OrderPaid: DomainEvent, Equatable {
    public static let eventType = "OrderPaid"
    public var paymentId: String
}

public struct OrderCancelled: DomainEvent, Equatable {
    public static let eventType = "OrderCancelled"
    public var reason: String
}

/// An order: stream `order-<id>`. Open orders take lines and addresses; a confirmed one can be paid or
/// cancelled; a paid one can no longer be cancelled.
public struct Order: Decider {
    public enum Status: String, Codable, Sendable {
        case open, confirmed, paid, cancelled
    }

    public struct State: Codable, Sendable, Equatable {
        public var status: Status?
        public var customerId = ""
        public var lines: [OrderLine] = []
        // No shipping address: it is personal data, and orders are cached in memory (AggregateCache), where a
        // forgotten customer's address would outlive their key.

        /// The sum of the lines; saturates at `Int.max` (never traps) for lines an older version stored beyond
        /// today's limits.
        public var totalCents: Int { lines.reduce(0) { $0.saturatingAdd($1.amountCents) } }
    }

    /// The largest total an order may reach, in cents: 100,000,000.00.
    public static let totalLimit = 10_000_000_000
    /// The most lines (distinct skus) an order may hold.
    public static let lineLimit = 100

    public enum Command: Sendable, Encodable {
        case place(orderId: String, customerId: String)
        case addLine(OrderLine)
        case removeLine(sku: String)
        case changeShippingAddress(ShippingAddress)
        case confirm
        case cancel(reason: String)
        /// Cancels a confirmed order that is still unpaid; changes nothing otherwise. Sent by the payment deadline.
        case cancelIfUnpaid
        case markPaid(paymentId: String)
    }

    public let initialState = State()
    public let codec = EventRegistry(
        OrderPlaced.self,
        OrderLineAdded.self,
        OrderLineRemoved.self,
        ShippingAddressChanged.self,
        OrderConfirmed.self,
        OrderPaid.self,
        OrderCancelled.self
    )

    public init() {}

    public func decide(_ command: Command, state: State) throws -> [any DomainEvent] {
        if case .place(let orderId, let customerId) = command {
            guard state.status == nil else { throw DomainError("the order already exists", code: "order-exists") }
            return [OrderPlaced(orderId: orderId, customerId: customerId)]
        }
        guard let status = state.status else { throw DomainError("there is no such order", code: "unknown-order") }
        switch command {
        case .place:
            return []
        case .addLine(let line):
            try require(status == .open, "only an open order takes lines", "order-not-open")
            try requireWithinLimits(adding: line, to: state)
            return [OrderLineAdded(line: line)]
        case .removeLine(let sku):
            try require(status == .open, "only an open order can change its lines", "order-not-open")
            guard state.lines.contains(where: { $0.sku == sku }) else {
                throw DomainError("the order has no line '\(sku)'", code: "unknown-line")
            }
            return [OrderLineRemoved(sku: sku)]
        case .changeShippingAddress(let address):
            try require(status == .open || status == .confirmed, "a paid or cancelled order keeps its address", "order-closed")
            return [ShippingAddressChanged(customerId: state.customerId, address: address)]
        case .confirm:
            try require(status == .open, "only an open order can be confirmed", "order-not-open")
            try require(!state.lines.isEmpty, "an order needs at least one line to be confirmed", "empty-order")
            try require(
                state.lines.allSatisfy(\.isWithinLimits),
                "a line is beyond today's limits: remove it before confirming",
                "order-line-limit"
            )
            try require(state.totalCents <= Self.totalLimit, "the order's total is above \(Self.totalLimit) cents", "order-total-limit")
            return [OrderConfirmed(totalCents: state.totalCents)]
        case .cancel(let reason):
            let reason = try TextField.validated(reason, field: "reason", limit: TextField.reasonLimit)
            try require(status != .paid, "a paid order cannot be cancelled", "order-paid")
            return status == .cancelled ? [] : [OrderCancelled(reason: reason)]
        case .cancelIfUnpaid:
            return status == .confirmed ? [OrderCancelled(reason: "payment timeout")] : []
        case .markPaid(let paymentId):
            if status == .paid { return [] }
            try require(status == .confirmed, "only a confirmed order can be paid", "order-not-confirmed")
            return [OrderPaid(paymentId: paymentId)]
        }
    }

    public func evolve(_ state: State, event: any DomainEvent) -> State {
        var state = state
        switch event {
        case let placed as OrderPlaced:
            state.status = .open
            state.customerId = placed.customerId
        case let added as OrderLineAdded:
            if let index = state.lines.firstIndex(where: { $0.sku == added.line.sku }) {
                state.lines[index].quantity = state.lines[index].quantity.saturatingAdd(added.line.quantity)
                state.lines[index].unitPriceCents = added.line.unitPriceCents
            } else {
                state.lines.append(added.line)
            }
        case let removed as OrderLineRemoved:
            state.lines.removeAll { $0.sku == removed.sku }
        case is OrderConfirmed:
            state.status = .confirmed
        case is OrderPaid:
            state.status = .paid
        case is OrderCancelled:
            state.status = .cancelled
        default:
            break
        }
        return state
    }

    /// Adding a line of a sku the order has raises its quantity: both the raised quantity and the new total must
    /// stay within the limits.
    private func requireWithinLimits(adding line: OrderLine, to state: State) throws {
        let existing = state.lines.first { $0.sku == line.sku }
        try require(existing != nil || state.lines.count < Self.lineLimit, "an order holds at most \(Self.lineLimit) lines", "too-many-lines")
        let quantity = existing.map { $0.quantity.saturatingAdd(line.quantity) } ?? line.quantity
        try require(
            OrderLine.quantityLimit.contains(quantity),
            "a line may hold at most \(OrderLine.quantityLimit.upperBound) of a sku",
            "quantity-limit"
        )
        let total = evolve(state, event: OrderLineAdded(line: line)).totalCents
        try require(total <= Self.totalLimit, "the order's total may not exceed \(Self.totalLimit) cents", "order-total-limit")
    }

    private func require(_ condition: Bool, _ message: String, _ code: String) throws {
        guard condition else { throw DomainError(message, code: code) }
    }
}
