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
            subcommands: [
                ProjectionsStatusCommand.self,
                ProjectionsRebuildCommand<App>.self,
                ProjectionsResetCommand<App>.self,
                ProjectionsParkedCommand<App>.self,
                ProjectionsReplayParkedCommand<App>.self,
            ]
        )
    }
}

/// The stores and the application's projection a projection command works on.
struct ProjectionTarget: ParsableArguments {
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var readStoreOptions: ReadStoreOptions

    @Argument(help: ArgumentHelp("The projection's name.", valueName: "name"))
    var name: String
}
