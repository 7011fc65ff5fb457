//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

/// An email address was reserved for a customer.
public struct EmailReserved: DomainEvent, Equatable {
    public static let eventType = "EmailReserved"
    public var customerId: String
}

/// A customer gave an email address up.
public struct EmailReleased: DomainEvent, Equatable {
    public static let eventType = "EmailReleased"
    public var customerId: String
}

/// Who holds an email address: one stream per address (EmailAddress/reservationStream), so that optimistic
/// concurrency on that stream makes uniqueness hold even for registrations racing each other, which a lookup in
/// an eventually consistent read model could not.
public struct EmailReservation: Decider {
    public enum Command: Sendable, Encodable {
        case reserve(customerId: String)
        case release(customerId: String)
    }

    /// The customer holding the address, if any.
    public let initialState: String? = nil
    public let codec = EventRegistry(EmailReserved.self, EmailReleased.self)

    public init() {}

    public func decide(_ command: Command, state holder: String?) throws -> [any DomainEvent] {
        switch command {
        case .reserve(let customer):
            if holder == customer { return [] }
            guard holder == nil else { throw DomainError("the email address is already in use", code: "duplicate-email") }
            return [EmailReserved(customerId: customer)]
        case .release(let customer):
            return holder == customer ? [EmailReleased(customerId: customer)] : []
        }
    }

    public func evolve(_ holder: String?, event: any DomainEvent) -> String? {
        switch event {
        case let reserved as EmailReserved: reserved.customerId
        case is EmailReleased: nil
        default: holder
        }
    }
}
