//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

extension Shop {
    /// Forgets a customer at their request (GDPR erasure), in steps that are each safe to repeat, so that calling
    /// it again after a failure anywhere (or after the key was deleted some other way) finishes the work:
    ///
    /// 1. releases the customer's email reservations, so that the address can be used again (found through the
    ///    address while it is readable, else through the log's EmailReserved events);
    /// 2. deletes the customer's key with `forgetKey` (ProtectedEventStore/forget(_:)): their name, email and
    ///    shipping addresses read as redacted from then on;
    /// 3. records CustomerForgotten, after which ShopViews no longer shows their personal data.
    ///
    /// - Parameters:
    ///   - customerId: The customer.
    ///   - metadata: Correlation and causation of the events appended.
    ///   - forgetKey: Deletes a data subject's key; given the customer's stream id.
    /// - Returns: The result of recording CustomerForgotten (no events when it was recorded before): its
    ///   position is the read-your-writes token after which views show the customer redacted.
    /// - Throws: DomainError `unknown-customer` when no such customer ever registered.
    public func forgetCustomer(
        _ customerId: String,
        metadata: CommandMetadata = CommandMetadata(),
        forgetKey: @Sendable (String) async throws -> Bool
    ) async throws -> CommandResult<any DomainEvent> {
        let stream = try Self.customerStream(customerId)
        let customer = try await customers.load(stream)
        guard customer.state.isRegistered else { throw DomainError("there is no such customer", code: "unknown-customer") }
        // Released before the key goes, while the current address is still readable. Once it is not, the log
        // tells which reservation streams the customer ever held; releasing one they no longer hold changes nothing.
        if let email = try? EmailAddress(customer.state.email) {
            try await release(email, heldBy: customerId, metadata: metadata)
        } else {
            for reservation in try await reservationStreams(everHeldBy: customerId) {
                _ = try await reservations.handle(.release(customerId: customerId), on: reservation, metadata: metadata)
            }
        }
        _ = try await forgetKey(stream.rawValue)
        // Recorded last, with the key already gone: no event of the customer's that a view sees after this one can
        // carry readable personal data.
        return try await customers.handle(.forget, on: stream, metadata: metadata)
    }
}
