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

/// `strata events read`: prints a stream or the whole log as JSON lines.
struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract:
            "Print the events of one stream (--stream), of the whole log (--all) or of one request (--correlation), one JSON object per line.",
        usage: """
            events read [--store <url>] --stream <id> [--from <version>] [--limit <n>] [--backwards]
            events read [--store <url>] --all [--from <position>] [--limit <n>] [--category <category>] [--type <type> ...]
            events read [--store <url>] --correlation <id> [--from <position>] [--limit <n>]
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("Read this stream.", valueName: "id"))
    var stream: String?

    @Flag(help: "Read the whole log, in global order.")
    var all = false

    @Option(
        help: ArgumentHelp(
            "Read every event recorded with this correlation id (all that one request caused, across streams), in global order.",
            valueName: "id"
        )
    )
    var correlation: String?

    @Option(help: ArgumentHelp("The first stream version (--stream) or global position (--all, --correlation) to print.", valueName: "n"))
    var from: UInt64?

    @Option(help: ArgumentHelp("The most events to print; default: all of them.", valueName: "n"))
    var limit: Int?

    @Flag(help: "Read the stream from --from (default: its last event) towards its first. --stream only.")
    var backwards = false

    @OptionGroup(title: "Filters (--all only)") var filter: FilterOptions

    /// Reads of more events than this report progress on stderr.
    static let progressThreshold = 10_000

    func run() async throws {
        let read = try pagedRead()
        let location = try storeOptions.location()
        try await location.withStore { store in
            // A large read of the log into a file or pipe reports its progress; on a terminal the events are the progress.
            var total: Int?
            if case .all(let start, _) = read.source, isatty(STDOUT_FILENO) == 0 {
                let head = Int(clamping: try await store.headPosition().value)
                total = min(read.limit ?? Int.max, max(0, head - Int(clamping: max(start.value, 1)) + 1))
            }
            var progress = ProgressReporter("reading the log")
            var done = 0
            let encoder = JSONLineEncoder()
            try await read.forEachPage(of: store) { page in
                var lines = Data()
                for event in page { lines.append(try encoder.line(EventJSON(event))) }
                try StandardOutput.write(lines)
                done += page.count
                if let total, total > Self.progressThreshold { progress.update(done: done, total: total) }
            }
            if let total, total > Self.progressThreshold { progress.finish(done: done, total: done) }
        }
    }

    /// Checks the combination of options and says what to read.
    func pagedRead() throws(CLIError) -> PagedRead {
        if let limit, limit < 1 { throw .badInput("--limit must be at least 1") }
        if let correlation {
            guard stream == nil, !all else { throw .badInput("give exactly one of --stream <id>, --all and --correlation <id>") }
            guard filter.isEmpty else { throw .badInput("--category and --type apply to --all only") }
            guard !backwards else { throw .badInput("--backwards applies to --stream only") }
            guard !correlation.isEmpty else { throw .badInput("--correlation needs an id") }
            return PagedRead(source: .correlated(correlation, from: GlobalPosition(from ?? 0)), limit: limit)
        }
        switch (stream, all) {
        case (nil, false), (.some, true):
            throw .badInput("give exactly one of --stream <id>, --all and --correlation <id>")
        case (let stream?, false):
            guard filter.isEmpty else { throw .badInput("--category and --type apply to --all only") }
            let direction: ReadDirection = backwards ? .backwards : .forwards
            let start = from.map { StreamVersion($0) } ?? (backwards ? .max : .first)
            return PagedRead(source: .stream(try ArgumentInput.streamID(stream), direction: direction, from: start), limit: limit)
        case (nil, true):
            guard !backwards else { throw .badInput("--backwards applies to --stream only") }
            return PagedRead(source: .all(from: GlobalPosition(from ?? 0), filter: try filter.eventFilter()), limit: limit)
        }
    }
}
