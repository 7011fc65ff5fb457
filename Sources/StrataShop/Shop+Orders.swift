//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

extension Shop {
    /// Places an order for an existing customer.
    ///
    /// - Throws: InvalidField for a malformed id; DomainError `unknown-customer`.
    public func placeOrder(
        customerId: String,
        metadata: CommandMetadata = CommandMetadata(),
        idempotencyKey: String? = nil
    ) async throws -> (id: String, result: CommandResult<any DomainEvent>) {
        let customer = try await customers.load(try Self.customerStream(customerId))
        guard customer.state.isRegistered else { throw DomainError("there is no such customer", code: "unknown-customer") }
        guard !customer.state.isForgotten else { throw Customer.forgotten }
        let id = Self.newID(idempotencyKey: idempotencyKey)
        let result = try await orders.handle(
            .place(orderId: id, customerId: customerId),
            on: try Self.orderStream(id),
            metadata: metadata,
            idempotencyKey: idempotencyKey
        )
        return (id, result)
    }

    /// Handles an order command on an existing order.
    ///
    /// - Throws: InvalidField for a malformed id; DomainError (`unknown-order`, `order-not-open`, `empty-order`,
    ///   `order-paid`, …); WrongExpectedVersion for a stale `expectedVersion`.
    public func order(
        _ orderId: String,
        _ command: Order.Command,
        expectedVersion: StreamVersion? = nil,
        metadata: CommandMetadata = CommandMetadata(),
        idempotencyKey: String? = nil
    ) async throws -> CommandResult<any DomainEvent> {
        try await orders.handle(
            command,
            on: try Self.orderStream(orderId),
            expectedVersion: expectedVersion,
            metadata: metadata,
            idempotencyKey: idempotencyKey
        )
    }

    /// What a payment attempt came to.
    public struct PaymentOutcome: Sendable {
        /// The payment's id.
        public var paymentId: String
        /// The command's result: its position is where the succeeded or declined event is.
        public var result: CommandResult<any DomainEvent>
        /// Whether the payment was declined (recorded as PaymentDeclined; HTTP 402).
        public var isDeclined: Bool
    }

    /// Processes a payment for a confirmed order; the amount must equal the order's total.
    ///
    /// - Throws: InvalidField for a malformed id or a negative amount; DomainError `unknown-order`,
    ///   `order-not-confirmed`, `order-cancelled`, `wrong-amount` or `already-paid`.
    public func pay(
        orderId: String,
        amountCents: Int,
        metadata: CommandMetadata = CommandMetadata(),
        idempotencyKey: String? = nil
    ) async throws -> PaymentOutcome {
        guard amountCents >= 0 else { throw InvalidField("amountCents", "must not be negative, not \(amountCents)") }
        let order = try await orders.load(try Self.orderStream(orderId))
        let paymentId = Self.newID(idempotencyKey: idempotencyKey)
        let result = try await payments.handle(
            .process(
                paymentId: paymentId,
                orderId: orderId,
                amountCents: amountCents,
                order: Payment.OrderTerms(status: order.state.status, totalCents: order.state.totalCents)
            ),
            on: try Self.paymentStream(orderId: orderId),
            metadata: metadata,
            idempotencyKey: idempotencyKey
        )
        let declined = result.events.contains { $0 is PaymentDeclined }
        let id = (result.events.first as? PaymentSucceeded)?.paymentId ?? (result.events.first as? PaymentDeclined)?.paymentId ?? paymentId
        return PaymentOutcome(paymentId: id, result: result, isDeclined: declined)
    }

    /// Sends a command of the order-payment process manager: hand this to its ProcessManagerRunner.
    public func dispatch(_ command: OrderPaymentProcess.Command, _ context: ProcessCommandContext) async throws {
        _ = try await order(command.orderId, command.orderCommand, metadata: context.metadata, idempotencyKey: context.idempotencyKey)
    }
}
