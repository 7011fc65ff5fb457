//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

/// A customer registered.
public struct CustomerRegistered: DomainEvent, Equatable {
    public static let eventType = "CustomerRegistered"
    public var customerId: String
    public var name: String
    public var email: String
}

/// A customer's email address changed.
public struct CustomerEmailChanged: DomainEvent, Equatable {
    public static let eventType = "CustomerEmailChanged"
    public var customerId: String
    public var email: String
}

/// A customer was forgotten (erasure on request): their key is deleted, so their personal data reads as redacted,
/// and their email reservations are released. Recorded after the key is gone; views drop the customer's personal
/// data when they see it, and its position is the read-your-writes token of the erasure.
public struct CustomerForgotten: DomainEvent, Equatable {
    public static let eventType = "CustomerForgotten"
    public var customerId: String
}

/// A customer: stream `customer-<id>`. Email uniqueness is not decided here but by EmailReservation, which
/// Shop consults first.
public struct Customer: Decider {
    public struct State: Codable, Sendable, Equatable {
        public var isRegistered = false
        public var id = ""
        public var name = ""
        public var email = ""
        /// The customer was forgotten: no command changes them any more.
        public var isForgotten = false
    }

    public enum Command: Sendable, Encodable {
        case register(id: String, name: String, email: EmailAddress)
        case changeEmail(EmailAddress)
        /// Records that the customer was forgotten; Shop/forgetCustomer(_:metadata:forgettingKey:) does the rest.
        case forget

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.unkeyedContainer()
            switch self {
            case .register(let id, let name, let email): try container.encode(contentsOf: ["register", id, name, email.normalized])
            case .changeEmail(let email): try container.encode(contentsOf: ["changeEmail", email.normalized])
            case .forget: try container.encode("forget")
            }
        }
    }

    public let initialState = State()
    public let codec = EventRegistry(CustomerRegistered.self, CustomerEmailChanged.self, CustomerForgotten.self)

    public init() {}

    public func decide(_ command: Command, state: State) throws -> [any DomainEvent] {
        switch command {
        case .register(let id, let name, let email):
            guard !state.isForgotten else { throw Self.forgotten }
            guard !state.isRegistered else { throw DomainError("the customer is already registered", code: "already-registered") }
            return [CustomerRegistered(customerId: id, name: name, email: email.value)]
        case .changeEmail(let email):
            guard state.isRegistered else { throw DomainError("there is no such customer", code: "unknown-customer") }
            guard !state.isForgotten else { throw Self.forgotten }
            guard email.normalized != state.email.lowercased() else { return [] }
            return [CustomerEmailChanged(customerId: state.id, email: email.value)]
        case .forget:
            guard state.isRegistered else { throw DomainError("there is no such customer", code: "unknown-customer") }
            return state.isForgotten ? [] : [CustomerForgotten(customerId: state.id)]
        }
    }

    /// What a command on a forgotten customer is refused with.
    static let forgotten = DomainError("the customer was forgotten at their request", code: "customer-forgotten")

    public func evolve(_ state: State, event: any DomainEvent) -> State {
        var state = state
        switch event {
        case let registered as CustomerRegistered:
            state = State(isRegistered: true, id: registered.customerId, name: registered.name, email: registered.email)
        case let changed as CustomerEmailChanged:
            state.email = changed.email
        case is CustomerForgotten:
            state.isForgotten = true
        default:
            break
        }
        return state
    }
}
