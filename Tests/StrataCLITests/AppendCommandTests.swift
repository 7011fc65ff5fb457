//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Testing

@Suite("strata events append", .timeLimit(.minutes(10)))
struct AppendCommandTests {
    @Test("prints the position and stream version, and the next append gets the next ones")
    func appendReportsWhereTheEventLanded() async throws {
        try await TestStore.with { store in
            let first = try await store.append(stream: "order-1")
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stderr.isEmpty)
            let firstJSON = try first.jsonObject()
            #expect(firstJSON["position"] as? Int == 1)
            #expect(firstJSON["streamVersion"] as? Int == 0)

            let second = try await store.append(stream: "order-1")
            let secondJSON = try second.jsonObject()
            #expect(secondJSON["position"] as? Int == 2)
            #expect(secondJSON["streamVersion"] as? Int == 1)

            let other = try await store.append(stream: "customer-1")
            let otherJSON = try other.jsonObject()
            #expect(otherJSON["position"] as? Int == 3)
            #expect(otherJSON["streamVersion"] as? Int == 0)
            #expect(otherJSON["stream"] as? String == "customer-1")
        }
    }

    @Test("a second --expected-version no-stream is a conflict: exit 2, naming expected and actual")
    func noStreamTwiceConflicts() async throws {
        try await TestStore.with { store in
            let first = try await store.append(stream: "order-1", ["--expected-version", "no-stream"])
            #expect(first.status == 0, "\(first.stderr)")

            let second = try await store.append(stream: "order-1", ["--expected-version", "no-stream"])
            #expect(second.status == 2)
            #expect(second.stdout.isEmpty)
            #expect(second.stderr.hasPrefix("error: "))
            #expect(second.stderr.contains("expected no-stream"))
            #expect(second.stderr.contains("actual 0"))
            #expect(try await store.read(["--all"]).count == 1)
        }
    }

    @Test("an exact expected version must match the stream's current version")
    func exactExpectedVersion() async throws {
        try await TestStore.with { store in
            _ = try await store.append(stream: "order-1")
            let stale = try await store.append(stream: "order-1", ["--expected-version", "5"])
            #expect(stale.status == 2)
            #expect(stale.stderr.contains("expected 5"))
            #expect(stale.stderr.contains("actual 0"))

            let current = try await store.append(stream: "order-1", ["--expected-version", "0"])
            #expect(current.status == 0, "\(current.stderr)")
            #expect(try current.jsonObject()["streamVersion"] as? Int == 1)

            let missing = try await store.append(stream: "order-2", ["--expected-version", "stream-exists"])
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("actual no-stream"))
        }
    }

    /// Input `strata events append` must refuse before touching the store.
    struct BadInput: Sendable, CustomTestStringConvertible {
        var name: String
        var stream = "order-1"
        var type = "Tested"
        var data = #"{"n":1}"#
        var extra: [String] = []
        /// Words the error message must contain.
        var mentions: [String]

        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        BadInput(name: "malformed --data", data: #"{"n":"#, mentions: ["--data", "JSON"]),
        BadInput(name: "empty --data", data: "", mentions: ["--data"]),
        BadInput(name: "stream id with a space", stream: "a b", mentions: ["stream id", "a b"]),
        BadInput(name: "empty type", type: "", mentions: ["--type"]),
        BadInput(name: "bad --event-id", extra: ["--event-id", "not-a-uuid"], mentions: ["--event-id", "not-a-uuid"]),
        BadInput(name: "bad --expected-version", extra: ["--expected-version", "latest"], mentions: ["--expected-version", "latest"]),
        BadInput(name: "--metadata not JSON", extra: ["--metadata", "{"], mentions: ["--metadata"]),
        BadInput(name: "--metadata not an object", extra: ["--metadata", #"["a"]"#], mentions: ["--metadata", "object"]),
        BadInput(name: "--metadata with a number value", extra: ["--metadata", #"{"retries":3}"#], mentions: ["--metadata", "retries"]),
    ]

    @Test("bad input exits 1 with a one-line error and appends nothing", arguments: badInputs)
    func badInputIsRejected(_ input: BadInput) async throws {
        try await TestStore.with { store in
            let result = try await store.append(stream: input.stream, type: input.type, data: input.data, input.extra)
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("error: "))
            #expect(result.stderr.split(separator: "\n").count == 1, "not one line: \(result.stderr)")
            for word in input.mentions {
                #expect(result.stderr.contains(word), "'\(word)' missing from: \(result.stderr)")
            }
            #expect(try await store.read(["--all"]).isEmpty)
        }
    }

    @Test("retrying with the same --event-id returns the original result and stores one event")
    func idempotentRetry() async throws {
        try await TestStore.with { store in
            let eventID = UUID().uuidString
            let options = ["--event-id", eventID, "--expected-version", "no-stream"]
            let first = try await store.append(stream: "order-1", options)
            let retry = try await store.append(stream: "order-1", options)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(retry.status == 0, "\(retry.stderr)")
            let firstJSON = try first.jsonObject()
            let retryJSON = try retry.jsonObject()
            #expect(retryJSON["position"] as? Int == firstJSON["position"] as? Int)
            #expect(retryJSON["streamVersion"] as? Int == 0)

            let events = try await store.read(["--all"])
            #expect(events.count == 1)
            #expect((events.first?["eventId"] as? String)?.lowercased() == eventID.lowercased())
        }
    }

    @Test("an event id already used elsewhere is an error, not a conflict")
    func duplicateEventIDElsewhere() async throws {
        try await TestStore.with { store in
            let eventID = UUID().uuidString
            _ = try await store.append(stream: "order-1", ["--event-id", eventID])
            let reused = try await store.append(stream: "order-2", ["--event-id", eventID])
            #expect(reused.status == 1)
            #expect(reused.stderr.hasPrefix("error: "))
            #expect(try await store.read(["--all"]).count == 1)
        }
    }

    @Test("metadata round-trips, correlation and causation ids included")
    func metadataRoundTrips() async throws {
        try await TestStore.with { store in
            let metadata = #"{"correlationId":"req-7","causationId":"cmd-3","tenant":"acme"}"#
            let result = try await store.append(stream: "order-1", ["--metadata", metadata])
            #expect(result.status == 0, "\(result.stderr)")

            let event = try #require(try await store.read(["--stream", "order-1"]).first)
            let stored = try #require(event["metadata"] as? [String: String])
            #expect(stored == ["correlationId": "req-7", "causationId": "cmd-3", "tenant": "acme"])
        }
    }
}
