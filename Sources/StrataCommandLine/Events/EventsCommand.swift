//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser

/// `strata events …`: write and read the event log directly, below any domain code.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Append, read and follow events.",
        subcommands: [AppendCommand.self, ReadCommand.self, TailCommand.self]
    )
}
