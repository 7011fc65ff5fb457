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

/// A customer: stream `customer-<id>`. Email uniqueness is not decided here but by EmailReservation, which
/// Shop consults first.
public struct Customer: Decider {
    public struct State: Codable, Sendable, Equatable {
        public var isRegistered = false
        public var id = ""
        public var name = ""
        public var email = ""
    }

    public enum Command: Sendable, Encodable {
        case register(id: String, name: String, email: EmailAddress)
        case changeEmail(EmailAddress)

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.unkeyedContainer()
            switch self {
            case .register(let id, let name, let email): try container.encode(contentsOf: ["register", id, name, email.normalized])
            case .changeEmail(let email): try container.encode(contentsOf: ["changeEmail", email.normalized])
            }
        }
    }

    public let initialState = State()
    public let codec = EventRegistry(CustomerRegistered.self, CustomerEmailChanged.self)

    public init() {}

    public func decide(_ command: Command, state: State) throws -> [any DomainEvent] {
        switch command {
        case .register(let id, let name, let email):
            guard !state.isRegistered else { throw DomainError("the customer is already registered", code: "already-registered") }
            return [CustomerRegistered(customerId: id, name: name, email: email.value)]
        case .changeEmail(let email):
            guard state.isRegistered else { throw DomainError("there is no such customer", code: "unknown-customer") }
            guard email.normalized != state.email.lowercased() else { return [] }
            return [CustomerEmailChanged(customerId: state.id, email: email.value)]
        }
    }

    public func evolve(_ state: State, event: any DomainEvent) -> State {
        var state = state
        switch event {
        case let registered as CustomerRegistered:
            state = State(isRegistered: true, id: registered.customerId, name: registered.name, email: registered.email)
        case let changed as CustomerEmailChanged:
            state.email = changed.email
        default:
            break
        }
        return state
    }
}
