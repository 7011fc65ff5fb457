//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

private struct Opened: DomainEvent {
    static let eventType = "AccountOpened"
    var owner: String
    var at: Date
}

private struct Deposited: DomainEvent {
    static let eventType = "AccountDeposited"
    var amount: Int
}

private struct Unregistered: DomainEvent {
    static let eventType = "Unregistered"
}

private enum AccountEvent: Sendable, Equatable {
    case deposited(Int)

    var payload: any DomainEvent {
        switch self {
        case .deposited(let amount): Deposited(amount: amount)
        }
    }
}

private func recorded(_ type: String, _ json: String, position: UInt64 = 9) -> RecordedEvent {
    RecordedEvent(
        id: UUID(),
        stream: "account-1",
        version: 0,
        position: GlobalPosition(position),
        type: type,
        data: Data(json.utf8),
        metadata: EventMetadata(),
        recordedAt: Date()
    )
}

@Suite("Event registry", .timeLimit(.minutes(5)))
struct EventRegistryTests {
    let registry = EventRegistry(Opened.self, Deposited.self)

    @Test("events encode under their stable names and decode back")
    func roundTrip() throws {
        let opened = Opened(owner: "Ada", at: Date(timeIntervalSince1970: 1_700_000_000))
        let (type, data) = try registry.encode(opened)
        #expect(type == "AccountOpened")
        #expect(String(decoding: data, as: UTF8.self).contains("2023-11-14T22:13:20Z"))
        let decoded = try registry.decode(recorded(type, String(decoding: data, as: UTF8.self)))
        #expect((decoded as? Opened)?.owner == "Ada")
        #expect((decoded as? Opened)?.at == opened.at)
        #expect(registry.eventTypes == ["AccountOpened", "AccountDeposited"])
    }

    @Test("an unknown type name is a typed error naming the position and type")
    func unknownType() {
        let error = #expect(throws: EventDecodingError.self) { try registry.decode(recorded("AccountClosed", "{}", position: 12)) }
        #expect(error?.code == .unknownEventType)
        #expect(error?.eventType == "AccountClosed")
        #expect(error?.position == 12)
        #expect(error?.description.contains("position 12") == true)
    }

    @Test("undecodable data is a typed error, never a crash")
    func undecodableData() {
        for json in [#"{"amount":"ten"}"#, "not json", ""] {
            let error = #expect(throws: EventDecodingError.self) { try registry.decode(recorded("AccountDeposited", json)) }
            #expect(error?.code == .undecodableData)
            #expect(error?.underlying != nil)
        }
    }

    @Test("readers may skip unknown types, but never undecodable data")
    func skipUnknown() throws {
        let events = [recorded("AccountDeposited", #"{"amount":1}"#), recorded("FutureEvent", "{}"), recorded("AccountDeposited", #"{"amount":2}"#)]
        let decoded = try registry.decode(events, unknownTypes: .skip)
        #expect(decoded.compactMap { ($0 as? Deposited)?.amount } == [1, 2])
        #expect(throws: EventDecodingError.self) { try registry.decode(events, unknownTypes: .fail) }
        #expect(throws: EventDecodingError.self) {
            try registry.decode([recorded("AccountDeposited", "{}")], unknownTypes: .skip)
        }
    }

    @Test("encoding an unregistered type is an error")
    func unregisteredType() {
        #expect(throws: EventEncodingError.self) { try registry.encode(Unregistered()) }
    }

    @Test("an enum of events registers each case's type and can store it under another name")
    func enumRegistry() throws {
        let registry = EventRegistry<AccountEvent>(unwrap: \.payload)
            .registering(Deposited.self, as: "MoneyDeposited", wrap: { AccountEvent.deposited($0.amount) })
        let newEvent = try registry.newEvent(.deposited(5), metadata: EventMetadata(correlationID: "c"))
        #expect(newEvent.type == "MoneyDeposited")
        #expect(newEvent.metadata.correlationID == "c")
        #expect(try registry.decode(recorded("MoneyDeposited", #"{"amount":5}"#)) == .deposited(5))
    }
}
