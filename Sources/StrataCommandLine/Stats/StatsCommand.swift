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

/// `strata stats`: counts, size and head of the event store, and the read store's projections.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print counts, size and head of the event store, and the projections of the read store.",
        discussion: "A read store that does not exist is reported as absent, not created."
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var readStoreOptions: ReadStoreOptions

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() async throws {
        let eventLocation = try storeOptions.location()
        let readLocation = try readStoreOptions.location(besides: eventLocation)
        let (statistics, statuses) = try await eventLocation.withStore { store in
            guard let catalog = store as? any StreamCatalog else { throw CLIError.badInput("this store keeps no statistics") }
            let statistics = try await catalog.statistics()
            // Only a read store that exists is opened: stats must not create one. Any other failure is an error.
            do {
                let statuses = try await readLocation.withReadStore { readStore in
                    try await ProjectionStatus.all(in: readStore, readingFrom: store)
                }
                return (statistics, Optional(statuses))
            } catch is ReadStoreNotFound {
                return (statistics, nil)
            }
        }
        if json {
            let report = StatsJSON(
                eventStore: StatsJSON.EventStore(location: eventLocation.description, statistics: statistics),
                readStore: statuses.map { StatsJSON.ReadStore(location: readLocation.description, projections: $0.map(ProjectionStatusJSON.init)) }
            )
            try StandardOutput.write(JSONLineEncoder().line(report))
            return
        }
        var text = TextTable.render(
            ["EVENT STORE", eventLocation.description],
            [
                ["events", ProgressReporter.grouped(statistics.eventCount)],
                ["streams", ProgressReporter.grouped(statistics.streamCount)],
                ["head", "\(statistics.head.value)" + (statistics.headRecordedAt.map { " at \($0.iso8601Timestamp)" } ?? "")],
                ["size", statistics.sizeBytes.map(Self.size) ?? "unknown"],
            ]
        )
        text += "\n"
        if let statuses {
            text += "READ STORE  \(readLocation)\n"
            text += ProjectionStatusOutput.table(statuses)
        } else {
            text += "READ STORE  none at \(readLocation)\n"
        }
        try StandardOutput.write(Data(text.utf8))
    }

    static func size(_ bytes: Int64) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f ", value) + units[unit]
    }
}
