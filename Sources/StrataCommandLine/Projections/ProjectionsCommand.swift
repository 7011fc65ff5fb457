//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser

/// `strata projections …`: look at and steer the read side.
struct ProjectionsCommand<App: StrataApplication>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "projections",
            abstract: "Inspect and steer the projections recorded in a read store.",
            subcommands: [ProjectionsStatusCommand.self]
        )
    }
}
