//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

/// Three generations of one event: v1 "AccountCredited" in whole euros, v2 renamed "AccountDeposited" in cents,
/// v3 with a money value.
enum DepositGenerations {
    struct V1: DomainEvent {
        static let eventType = "AccountCredited"
        var amount: Int
    }

    struct V2: DomainEvent {
        static let eventType = "AccountDeposited"
        static let schemaVersion = 2
        var amountCents: Int
    }

    struct Money: Codable, Hashable, Sendable {
        var cents: Int
        var currency: String
    }

    struct V3: DomainEvent, Hashable {
        static let eventType = "AccountDeposited"
        static let schemaVersion = 3
        var amount: Money
    }

    struct UpcastRefused: Error {}

    /// Today's registry: reads every generation as V3.
    static func current(failingOn cents: Int? = nil) -> EventRegistry<any DomainEvent> {
        EventRegistry(V3.self)
            .renaming("AccountCredited", to: "AccountDeposited")
            .upcasting("AccountDeposited", from: 1) { json in
                json["amountCents"] = .int((json["amount"]?.intValue ?? 0) * 100)
                json["amount"] = nil
            }
            .upcasting("AccountDeposited", from: 2, V2.self) { v2 in
                if v2.amountCents == cents { throw UpcastRefused() }
                return V3(amount: Money(cents: v2.amountCents, currency: "EUR"))
            }
    }
}

enum UpcastingChecks {
    static let all: [EventStoreConformanceCheck] = [
        EventStoreConformanceCheck(
            "events stored as v1 and v2 with the old definitions read back as v3; the log is not rewritten", readsOldGenerations),
        EventStoreConformanceCheck(
            "an upcaster that throws, a missing step or a newer schema version give typed errors naming the event", upcastFailures),
    ]

    static func readsOldGenerations(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let stream = uniqueStream("account")
            // Written by older builds, with the definitions they had.
            let v1 = try EventRegistry(DepositGenerations.V1.self).newEvent(DepositGenerations.V1(amount: 12))
            _ = try await store.append([v1], to: stream, expecting: .noStream)
            let v2 = try EventRegistry(DepositGenerations.V2.self).newEvent(DepositGenerations.V2(amountCents: 350))
            _ = try await store.append([v2], to: stream, expecting: .exactly(0))
            let today = DepositGenerations.current()
            let v3 = try today.newEvent(DepositGenerations.V3(amount: .init(cents: 99, currency: "CHF")))
            #expect(v3.schemaVersion == 3)
            _ = try await store.append([v3], to: stream, expecting: .exactly(1))

            let recorded = try await store.readStream(stream)
            #expect(recorded.map(\.type) == ["AccountCredited", "AccountDeposited", "AccountDeposited"], "the log keeps what was written")
            #expect(recorded.map(\.schemaVersion) == [1, 2, 3])
            let decoded = try today.decode(recorded, unknownTypes: .fail).map { $0 as? DepositGenerations.V3 }
            #expect(
                decoded == [
                    DepositGenerations.V3(amount: .init(cents: 1200, currency: "EUR")),
                    DepositGenerations.V3(amount: .init(cents: 350, currency: "EUR")),
                    DepositGenerations.V3(amount: .init(cents: 99, currency: "CHF")),
                ]
            )
            #expect(today.eventTypes == ["AccountCredited", "AccountDeposited"], "filters built from the registry find renamed events")
            #expect(try await store.readStream(stream).map(\.data) == recorded.map(\.data), "reading never rewrites the log")
        }
    }

    static func upcastFailures(_ backend: any ConformanceBackend) async throws {
        try await withStore(backend) { store in
            let stream = uniqueStream("account")
            let v2 = try EventRegistry(DepositGenerations.V2.self).newEvent(DepositGenerations.V2(amountCents: 13))
            let appended = try await store.append([v2], to: stream, expecting: .noStream)
            let recorded = try await store.readStream(stream)

            let refused = #expect(throws: EventDecodingError.self) { try DepositGenerations.current(failingOn: 13).decode(recorded[0]) }
            #expect(refused?.code == .upcastFailed)
            #expect(refused?.eventType == "AccountDeposited")
            #expect(refused?.stream == stream)
            #expect(refused?.position == appended.position)
            #expect(refused?.underlying is DepositGenerations.UpcastRefused)

            let missingStep = EventRegistry(DepositGenerations.V3.self)
            #expect(throws: EventDecodingError.self) { try missingStep.decode(recorded[0]) }
            #expect((try? missingStep.decode(recorded[0])) == nil)
            do {
                _ = try missingStep.decode(recorded[0])
            } catch let error as EventDecodingError {
                #expect(error.code == .upcastFailed)
                #expect(error.description.contains("no upcaster from schema version 2"))
            }

            var future = try DepositGenerations.current().newEvent(DepositGenerations.V3(amount: .init(cents: 1, currency: "EUR")))
            future.schemaVersion = 4
            _ = try await store.append([future], to: stream, expecting: .exactly(0))
            let stored = try await store.readStream(stream)[1]
            let newer = #expect(throws: EventDecodingError.self) { try DepositGenerations.current().decode(stored) }
            #expect(newer?.code == .unsupportedSchemaVersion)
        }
    }
}
