//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import Strata

/// `strata projections replay-parked NAME`: applies a projection's parked events again.
struct ProjectionsReplayParkedCommand<App: StrataApplication>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "replay-parked",
            abstract: "Apply a projection's parked events again, in order; those that fail again stay parked."
        )
    }

    @OptionGroup var target: ProjectionTarget

    func run() async throws {
        let name = target.name
        let (replayed, stillParked) = try await withProjectionRunner(App.self, target) { runner in try await runner.replayParked(name) }
        try StandardOutput.write(Data("replayed \(replayed) parked event\(replayed == 1 ? "" : "s") of \(name); \(stillParked) still parked\n".utf8))
    }
}
