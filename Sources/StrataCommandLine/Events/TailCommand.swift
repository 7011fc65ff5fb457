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

/// `strata events tail`: prints the log from a position, then every new event as it commits, until stopped.
struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print events from a position, then new events as they are appended, until interrupted.",
        discussion: "Stops cleanly, with status 0, on SIGINT (Ctrl-C) or SIGTERM."
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("The first global position to print; default: the start of the log.", valueName: "position"))
    var from: UInt64?

    @OptionGroup(title: "Filters") var filter: FilterOptions

    func run() async throws {
        let eventFilter = try filter.eventFilter()
        let position = from.map { GlobalPosition($0) } ?? .start
        let location = try storeOptions.location()
        try await location.withStore { store in
            _ = try await withCancellation(onSignals: [SIGINT, SIGTERM]) {
                let encoder = JSONLineEncoder()
                for try await event in store.subscribeToAll(from: position, filter: eventFilter) {
                    // One write per event: whoever reads the pipe sees it now, not when a buffer fills.
                    try StandardOutput.write(encoder.line(EventJSON(event)))
                }
            }
        }
    }
}
