//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

@Suite("Event model", .timeLimit(.minutes(5)))
struct ModelTests {
    @Test("valid stream ids are accepted and know their category")
    func validStreamIDs() throws {
        // Through a variable: \`StreamID("literal")\` would take the literal initializer, which traps instead of throwing.
        for (text, category) in [("order-42", "order"), ("order-42-extra", "order"), ("settings", "settings"), ("commande-é42", "commande")] {
            #expect(try StreamID(text).category == category)
        }
        #expect(StreamID(category: "customer", id: "7").rawValue == "customer-7")
        #expect(try StreamID(String(repeating: "x", count: 200)).rawValue.utf8.count == 200)
    }

    @Test(
        "invalid stream ids are rejected with a reason",
        arguments: [
            "", " ", "order 42", "order-42\n", "\torder", "order\u{7F}", "order\u{1}", String(repeating: "x", count: 201),
            String(repeating: "é", count: 101), "é-\u{A0}", "order-\u{2028}", "é\u{85}",
        ]
    )
    func invalidStreamIDs(_ text: String) {
        let error = #expect(throws: InvalidStreamID.self) { try StreamID(text) }
        #expect(error?.value == text)
        #expect(error?.reason.isEmpty == false)
    }

    @Test("stream ids round-trip through JSON and reject invalid text when decoded")
    func streamIDCodable() throws {
        let data = try JSONEncoder().encode([StreamID("order-1")])
        #expect(String(decoding: data, as: UTF8.self) == #"["order-1"]"#)
        #expect(try JSONDecoder().decode([StreamID].self, from: data) == ["order-1"])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([StreamID].self, from: Data(#"["a b"]"#.utf8)) }
    }

    @Test("expected versions parse from and print to the CLI form")
    func expectedVersionText() {
        for text in ["any", "no-stream", "stream-exists", "0", "42"] {
            #expect(ExpectedVersion(parsing: text)?.description == text)
        }
        #expect(ExpectedVersion(parsing: "7") == .exactly(7))
        #expect(ExpectedVersion(parsing: "-1") == nil)
        #expect(ExpectedVersion(parsing: "latest") == nil)
    }

    @Test("expected versions accept exactly the matching stream states")
    func expectedVersionSatisfaction() {
        #expect(ExpectedVersion.any.isSatisfied(by: nil) && ExpectedVersion.any.isSatisfied(by: 3))
        #expect(ExpectedVersion.noStream.isSatisfied(by: nil) && !ExpectedVersion.noStream.isSatisfied(by: 0))
        #expect(!ExpectedVersion.streamExists.isSatisfied(by: nil) && ExpectedVersion.streamExists.isSatisfied(by: 0))
        #expect(ExpectedVersion.exactly(2).isSatisfied(by: 2) && !ExpectedVersion.exactly(2).isSatisfied(by: 1))
        #expect(!ExpectedVersion.exactly(0).isSatisfied(by: nil))
    }

    @Test("metadata encodes as one flat JSON object and decodes back")
    func metadataJSON() throws {
        let metadata = EventMetadata(correlationID: "c", causationID: "d", custom: ["user": "ada"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(metadata), as: UTF8.self)
        #expect(json == #"{"causationId":"d","correlationId":"c","user":"ada"}"#)
        #expect(try JSONDecoder().decode(EventMetadata.self, from: Data(json.utf8)) == metadata)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(EventMetadata.self, from: Data(#"{"n":1}"#.utf8)) }
    }

    @Test("filters match by category and event type")
    func filters() throws {
        let event = RecordedEvent(
            id: UUID(),
            stream: "order-1",
            version: 0,
            position: 1,
            type: "OrderPlaced",
            data: Data("{}".utf8),
            metadata: EventMetadata(),
            recordedAt: Date()
        )
        #expect(EventFilter.all.matches(event))
        #expect(EventFilter.category("order").matches(event))
        #expect(!EventFilter.category("ord").matches(event))
        #expect(EventFilter.eventTypes(["OrderPlaced"]).matches(event))
        #expect(!EventFilter.category("order").eventTypes(["OrderShipped"]).matches(event))
    }
}
