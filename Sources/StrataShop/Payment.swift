//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

public struct PaymentSucceeded: DomainEvent, Equatable {
    public static let eventType = "PaymentSucceeded"
    public var paymentId: String
    public var orderId: String
    public var amountCents: Int
}

public struct PaymentDeclined: DomainEvent, Equatable {
    public static let eventType = "PaymentDeclined"
    public var paymentId: String
    public var orderId: String
    public var amountCents: Int
    public var reason: String
}

/// The payments of one order: stream `payment-<order id>`. At most one succeeds; declined attempts are
/// recorded and may be followed by another attempt.
public struct Payment: Decider {
    /// What the payment needs to know of its order, read just before deciding.
    public struct OrderTerms: Sendable, Encodable {
        public var status: Order.Status?
        public var totalCents: Int

        public init(status: Order.Status?, totalCents: Int) {
            self.status = status
            self.totalCents = totalCents
        }
    }

    public enum Command: Sendable, Encodable {
        case process(paymentId: String, orderId: String, amountCents: Int, order: OrderTerms)
    }

    /// Whether a payment succeeded.
    public let initialState = false
    public let codec = EventRegistry(PaymentSucceeded.self, PaymentDeclined.self)

    public init() {}

    /// The deterministic stand-in for a card network's refusal: amounts ending in 13 cents are declined.
    public static func isDeclined(_ amountCents: Int) -> Bool { amountCents % 100 == 13 }

    public func decide(_ command: Command, state paid: Bool) throws -> [any DomainEvent] {
        switch command {
        case .process(let paymentId, let orderId, let amount, let order):
            guard !paid, order.status != .paid else { throw DomainError("the order is already paid", code: "already-paid") }
            guard let status = order.status else { throw DomainError("there is no such order", code: "unknown-order") }
            guard status != .cancelled else { throw DomainError("the order is cancelled", code: "order-cancelled") }
            guard status == .confirmed else { throw DomainError("only a confirmed order can be paid", code: "order-not-confirmed") }
            guard amount == order.totalCents else {
                throw DomainError("the amount must equal the order total of \(order.totalCents) cents", code: "wrong-amount")
            }
            if Self.isDeclined(amount) {
                return [PaymentDeclined(paymentId: paymentId, orderId: orderId, amountCents: amount, reason: "declined by the card issuer")]
            }
            return [PaymentSucceeded(paymentId: paymentId, orderId: orderId, amountCents: amount)]
        }
    }

    public func evolve(_ paid: Bool, event: any DomainEvent) -> Bool {
        paid || event is PaymentSucceeded
    }
}
