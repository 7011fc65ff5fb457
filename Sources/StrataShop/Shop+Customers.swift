//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

extension Shop {
    /// Registers a customer, reserving the email address first so that two customers never share one.
    ///
    /// - Returns: The new customer's id and the registration's result.
    /// - Throws: InvalidField for an empty, overlong (TextField.nameLimit) or control-character name or a malformed
    ///   email; DomainError `duplicate-email`, or
    ///   `customer-forgotten` when the idempotency key names a customer who was forgotten since.
    public func registerCustomer(
        name: String,
        email: String,
        metadata: CommandMetadata = CommandMetadata(),
        idempotencyKey: String? = nil
    ) async throws -> (id: String, result: CommandResult<any DomainEvent>) {
        let name = try TextField.validated(name, field: "name", limit: TextField.nameLimit)
        let email = try EmailAddress(email)
        let id = Self.newID(idempotencyKey: idempotencyKey)
        let stream = try Self.customerStream(id)
        // A retry (the id comes from the key) of a registration whose customer was forgotten since must not
        // reserve the address again for nobody; a fresh id cannot name an existing customer.
        if idempotencyKey != nil, try await customers.load(stream).state.isForgotten { throw Customer.forgotten }
        try await reserve(email, for: id, metadata: metadata)
        do {
            let result = try await customers.handle(
                .register(id: id, name: name, email: email),
                on: stream,
                metadata: metadata,
                idempotencyKey: idempotencyKey
            )
            return (id, result)
        } catch {
            // Without the registration the reservation would block the address for nobody. A retry with the same
            // idempotency key reserves it again for the same id.
            try? await release(email, heldBy: id, metadata: metadata)
            throw error
        }
    }

    /// Changes a customer's email address: reserves the new one, changes it, releases the old one.
    ///
    /// - Throws: InvalidField; DomainError `unknown-customer`, `customer-forgotten` or `duplicate-email`;
    ///   WrongExpectedVersion for a stale `expectedVersion`.
    public func changeEmail(
        customerId: String,
        to email: String,
        expectedVersion: StreamVersion? = nil,
        metadata: CommandMetadata = CommandMetadata(),
        idempotencyKey: String? = nil
    ) async throws -> CommandResult<any DomainEvent> {
        let stream = try Self.customerStream(customerId)
        let email = try EmailAddress(email)
        let customer = try await customers.load(stream)
        guard customer.state.isRegistered else { throw DomainError("there is no such customer", code: "unknown-customer") }
        guard !customer.state.isForgotten else { throw Customer.forgotten }
        if let expectedVersion, customer.version != expectedVersion {
            throw WrongExpectedVersion(stream: stream, expected: .exactly(expectedVersion), actual: customer.version)
        }
        try await reserve(email, for: customerId, metadata: metadata)
        let result = try await customers.handle(
            .changeEmail(email),
            on: stream,
            expectedVersion: expectedVersion,
            metadata: metadata,
            idempotencyKey: idempotencyKey
        )
        if let old = try? EmailAddress(customer.state.email), old.normalized != email.normalized {
            try await release(old, heldBy: customerId, metadata: metadata)
        }
        return result
    }
}
