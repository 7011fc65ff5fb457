//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import Strata
import StrataHTTP

/// `strata projections parked NAME`: the events a projection set aside after its handler failed on them.
struct ProjectionsParkedCommand<App: StrataApplication>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "parked", abstract: "List the events a projection parked, with their errors.")
    }

    @OptionGroup var target: ProjectionTarget

    @Flag(help: "Print one JSON object per parked event and line instead of a table.")
    var json = false

    func run() async throws {
        let name = target.name
        let parked = try await withProjectionRunner(App.self, target) { runner in try await runner.parkedEvents(of: name) }
        if json {
            try StandardOutput.write(try JSONLineEncoder().lines(parked.map(ParkedLine.init)))
            return
        }
        guard !parked.isEmpty else {
            try StandardOutput.write(Data("no parked events in \(name)\n".utf8))
            return
        }
        let rows = parked.map { entry in
            [
                "\(entry.event.position.value)", entry.event.stream.rawValue, entry.event.type, "\(entry.attempts)",
                entry.parkedAt.iso8601Timestamp, entry.error.replacingOccurrences(of: "\n", with: " "),
            ]
        }
        try StandardOutput.write(Data(TextTable.render(["POSITION", "STREAM", "TYPE", "ATTEMPTS", "PARKED", "ERROR"], rows).utf8))
    }

    /// One parked event as a JSON line: the event, why it is parked, how often it was tried, and since when.
    private struct ParkedLine: Encodable {
        var event: EventJSON
        var error: String
        var attempts: Int
        var parkedAt: String

        init(_ parked: ParkedEvent) {
            event = EventJSON(parked.event)
            error = parked.error
            attempts = parked.attempts
            parkedAt = parked.parkedAt.iso8601Timestamp
        }
    }
}
