//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataTestSupport
import Testing

private struct Registered: DomainEvent {
    static let eventType = "CustomerRegistered"
    var name: String
    var city: String
}

private struct Customer: Codable, Sendable, Equatable {
    var name: String
    var city: String
}

/// One document per customer, with the personal name in it.
private struct Customers: Projection {
    let name = "customers"
    let codec = EventRegistry(Registered.self)
    var filter: EventFilter { .category("customer").eventTypes(codec.eventTypes) }
    var schema: ReadModelSchema { ReadModelSchema(collections: [DocumentCollection("customers")]) }

    func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws {
        guard let registered = try codec.decode(event) as? Registered else { return }
        try await context.documents("customers", as: Customer.self).put(
            Customer(name: registered.name, city: registered.city),
            key: event.stream.rawValue
        )
    }
}

@Suite("Crypto-shredding and projections", .timeLimit(.minutes(5)))
struct CryptoShreddingProjectionTests {
    @Test("after forgetting a subject, a rebuild drops its personal data from the read model and keeps the rest")
    func rebuildDropsForgottenData() async throws {
        let store = ProtectedEventStore(InMemoryEventStore(), rules: [PersonalDataRule(Registered.self, fields: ["name"])])
        let readStore = InMemoryReadStore()
        let runner = ProjectionRunner(store: store, readStore: readStore, projections: [Customers()])
        let codec = EventRegistry(Registered.self)
        _ = try await store.append([try codec.newEvent(Registered(name: "Ada", city: "London"))], to: "customer-1", expecting: .noStream)
        let head = try await store.append([try codec.newEvent(Registered(name: "Bob", city: "Paris"))], to: "customer-2", expecting: .noStream)

        func customers() async throws -> [Customer] {
            try await readStore.withReader { reader in
                try await ReadModelReader(store: reader).documents("customers", of: "customers", as: Customer.self).find()
            }.sorted { $0.city < $1.city }
        }

        let task = Task { try await runner.run() }
        defer { task.cancel() }
        try await runner.progress.wait(for: ["customers"], through: head.position, timeout: .seconds(10))
        #expect(try await customers() == [Customer(name: "Ada", city: "London"), Customer(name: "Bob", city: "Paris")])

        try await store.forget("customer-1")
        #expect(try await customers().first?.name == "Ada", "a read model keeps what it was given until rebuilt")
        try await runner.rebuild("customers")
        try await eventually("the rebuilt view to redact the forgotten customer", every: .milliseconds(20)) {
            try await customers().first?.name == "[redacted]"
        }
        #expect(try await customers() == [Customer(name: "[redacted]", city: "London"), Customer(name: "Bob", city: "Paris")])
    }
}
