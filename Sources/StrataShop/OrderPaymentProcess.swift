//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata

/// The order's side of payment: a successful payment marks the order paid, and a confirmed order left unpaid
/// past the payment timeout is cancelled. One process per order.
public struct OrderPaymentProcess: ProcessManager {
    public enum Command: Codable, Sendable, Equatable {
        case markPaid(orderId: String, paymentId: String)
        case cancelIfUnpaid(orderId: String)

        /// The order the command is for.
        public var orderId: String {
            switch self {
            case .markPaid(let orderId, _), .cancelIfUnpaid(let orderId): orderId
            }
        }

        /// The order command it stands for.
        public var orderCommand: Order.Command {
            switch self {
            case .markPaid(_, let paymentId): .markPaid(paymentId: paymentId)
            case .cancelIfUnpaid: .cancelIfUnpaid
            }
        }
    }

    public let name = "order-payment"
    /// How long a confirmed order may stay unpaid.
    public var paymentTimeout: Duration
    public let codec = EventRegistry(OrderConfirmed.self, PaymentSucceeded.self)
    public var filter: EventFilter { .eventTypes(codec.eventTypes) }
    /// Whether the order is paid.
    public let initialState = false

    public init(paymentTimeout: Duration = .seconds(1800)) {
        self.paymentTimeout = paymentTimeout
    }

    public func processID(for event: any DomainEvent, recorded: RecordedEvent) -> String? {
        switch event {
        case is OrderConfirmed: Shop.orderID(of: recorded.stream)
        case let payment as PaymentSucceeded: payment.orderId
        default: nil
        }
    }

    public func evolve(_ paid: Bool, event: any DomainEvent) -> Bool { paid || event is PaymentSucceeded }

    public func react(to event: any DomainEvent, state paid: Bool, recorded: RecordedEvent) -> [ProcessAction<Command>] {
        switch event {
        case is OrderConfirmed:
            guard let orderId = Shop.orderID(of: recorded.stream) else { return [] }
            let due = recorded.recordedAt.addingTimeInterval(paymentTimeout.timeInterval)
            return [.schedule(.cancelIfUnpaid(orderId: orderId), named: "payment-timeout", at: due)]
        case let payment as PaymentSucceeded:
            return [.cancel(named: "payment-timeout"), .send(.markPaid(orderId: payment.orderId, paymentId: payment.paymentId))]
        default:
            return []
        }
    }
}
