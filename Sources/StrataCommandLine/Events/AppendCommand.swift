//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Strata

/// `strata events append`: appends one event and prints where it landed.
struct AppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append one event to a stream.",
        discussion: """
            Prints {"eventId","position","stream","streamVersion"} as one JSON line. Exits 2 when the stream does \
            not match --expected-version. Repeating an append with the same --event-id and expected version \
            is a safe retry: it writes nothing and prints the original result.
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("The stream to append to, such as order-42.", valueName: "id"))
    var stream: String

    @Option(help: ArgumentHelp("The event type, such as OrderPlaced.", valueName: "name"))
    var type: String

    @Option(help: ArgumentHelp("The event's data as JSON.", valueName: "json"))
    var data: String

    @Option(help: ArgumentHelp("What the stream must be at: any, no-stream, stream-exists or its current version number.", valueName: "version"))
    var expectedVersion = "any"

    @Option(help: ArgumentHelp("The event's id; default: a new one. Reuse it to retry an append safely.", valueName: "uuid"))
    var eventID: String?

    @Option(help: ArgumentHelp("Metadata as a JSON object of string values, such as {\"correlationId\":\"req-1\"}.", valueName: "json"))
    var metadata: String?

    func run() async throws {
        // Everything is checked before the store is opened, so bad input never creates or touches a store.
        let streamID = try ArgumentInput.streamID(stream)
        let expected = try ArgumentInput.expectedVersion(expectedVersion)
        let event = NewEvent(
            id: try ArgumentInput.eventID(eventID),
            type: try ArgumentInput.eventType(type),
            data: try ArgumentInput.jsonData(data),
            metadata: try ArgumentInput.metadata(metadata)
        )
        let location = try storeOptions.location()
        let result = try await location.withStore { store in
            try await store.append([event], to: streamID, expecting: expected)
        }
        let appended = Appended(
            eventId: event.id.lowercasedString,
            position: result.position.value,
            stream: streamID.rawValue,
            streamVersion: result.streamVersion.value
        )
        try StandardOutput.write(JSONLineEncoder().line(appended))
    }

    /// What `strata events append` prints: where the event went.
    private struct Appended: Encodable {
        var eventId: String
        var position: UInt64
        var stream: String
        var streamVersion: UInt64
    }
}
