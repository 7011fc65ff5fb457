//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import Strata

/// `strata projections reset NAME --to POSITION`: moves a checkpoint in place.
struct ProjectionsResetCommand<App: StrataApplication>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "reset",
            abstract: "Move a projection's checkpoint (at most the head): events after the position are applied (again) next.",
            discussion: """
                Moving back re-applies events to a read model that has them: use rebuild to start over safely. \
                A running `serve` takes the new checkpoint up within a second.
                """
        )
    }

    @OptionGroup var target: ProjectionTarget

    @Option(help: ArgumentHelp("The new checkpoint: the last position considered processed.", valueName: "position"))
    var to: UInt64

    func run() async throws {
        let name = target.name
        let position = GlobalPosition(to)
        try await withProjectionRunner(App.self, target) { runner in
            // A checkpoint past the head would skip events not yet written: surely a typo.
            let head = try await runner.store.headPosition()
            guard position <= head else { throw CLIError.badInput("--to \(position) is beyond the head of the log, \(head)") }
            try await runner.reset(name, to: position)
        }
        StandardError.writeLine("reset \(name) to position \(position)")
    }
}
