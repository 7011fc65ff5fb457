//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import Strata

/// `strata projections status`: every projection's checkpoint, lag and state, read from the read store's
/// registry and the event store's head.
struct ProjectionsStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print every projection's checkpoint, lag and last reported state.",
        discussion: """
            State and last error are what the running process last recorded in the read store (REPORTED says \
            when): a process that died leaves its last state behind. Checkpoints, lag and parked counts are exact.
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var readStoreOptions: ReadStoreOptions

    @Flag(help: "Print one JSON array instead of a table.")
    var json = false

    func run() async throws {
        let eventLocation = try storeOptions.location()
        let readLocation = try readStoreOptions.location(besides: eventLocation)
        let statuses = try await readLocation.withReadStore { readStore in
            try await eventLocation.withStore { store in
                try await ProjectionStatus.all(in: readStore, readingFrom: store)
            }
        }
        if json {
            try StandardOutput.write(ProjectionStatusOutput.json(statuses))
        } else {
            try StandardOutput.write(Data(ProjectionStatusOutput.table(statuses).utf8))
        }
    }
}
