//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import Strata

/// `strata streams …`: the streams and categories of an event store.
struct StreamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streams",
        abstract: "List the streams and categories of an event store.",
        subcommands: [StreamsListCommand.self, StreamsCategoriesCommand.self]
    )
}

/// `strata streams list`: every stream (or a category's) with its version, event count and last event.
struct StreamsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List streams in id order: version, events, last position and time, whether deleted."
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("Only streams of this category (the part of the id before the first '-').", valueName: "category"))
    var category: String?

    @Option(help: ArgumentHelp("Only streams whose id starts with this text (exactly, case and all).", valueName: "text"))
    var prefix: String?

    @Option(help: ArgumentHelp("The most streams to list; default: all of them.", valueName: "n"))
    var limit: Int?

    @Flag(help: "Print one JSON object per stream and line instead of a table.")
    var json = false

    func run() async throws {
        if let limit, limit < 1 { throw CLIError.badInput("--limit must be at least 1") }
        let location = try storeOptions.location()
        try await location.withStore { store in
            guard let catalog = store as? any StreamCatalog else { throw CLIError.badInput("this store cannot list its streams") }
            var rows: [[String]] = []
            var after: StreamID?
            var remaining = limit ?? Int.max
            let encoder = JSONLineEncoder()
            while remaining > 0 {
                let page = try await catalog.listStreams(category: category, prefix: prefix, after: after, limit: min(1000, remaining))
                if json {
                    try StandardOutput.write(try encoder.lines(page.map(Line.init)))
                } else {
                    rows += page.map(Self.row)
                }
                remaining -= page.count
                guard page.count == 1000, let last = page.last else { break }
                after = last.stream
            }
            if !json {
                let text =
                    rows.isEmpty
                    ? "no streams\(category.map { " in category \($0)" } ?? "")\n"
                    : TextTable.render(["STREAM", "VERSION", "EVENTS", "LAST POSITION", "LAST EVENT", "DELETED"], rows)
                try StandardOutput.write(Data(text.utf8))
            }
        }
    }

    /// One stream as a JSON line. Listing every stream of a large store encodes hundreds of thousands of lines, so
    /// they share one encoder.
    struct Line: Encodable {
        var stream: String
        var version: UInt64
        var eventCount: Int
        var lastPosition: UInt64
        var lastRecordedAt: String
        var deleted: Bool

        init(_ summary: StreamSummary) {
            stream = summary.stream.rawValue
            version = summary.version.value
            eventCount = summary.eventCount
            lastPosition = summary.lastPosition.value
            lastRecordedAt = summary.lastRecordedAt.iso8601Timestamp
            deleted = summary.isDeleted
        }
    }

    static func row(_ summary: StreamSummary) -> [String] {
        [
            summary.stream.rawValue, "\(summary.version.value)", "\(summary.eventCount)", "\(summary.lastPosition.value)",
            summary.lastRecordedAt.iso8601Timestamp, summary.isDeleted ? "yes" : "-",
        ]
    }
}
