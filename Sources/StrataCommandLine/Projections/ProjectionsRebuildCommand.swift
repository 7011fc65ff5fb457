//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import Strata

/// `strata projections rebuild NAME`: rebuilds a read model beside the live one and switches when caught up.
struct ProjectionsRebuildCommand<App: StrataApplication>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "rebuild",
            abstract: "Rebuild a projection's read model beside the live one; queries switch to it once it has caught up.",
            discussion: """
                The request is recorded in the read store. Then, unless --no-wait, this command runs the rebuild \
                itself and shows its progress until the switch. With a PostgreSQL read store it waits for the \
                projection's lease, so that a running `strata serve` that holds it does the work and this command \
                only reports progress. On SQLite, stop the service first, or use --no-wait and let the service do it.
                """
        )
    }

    @OptionGroup var target: ProjectionTarget

    @Option(help: ArgumentHelp("The first position to apply; default: the start of the log.", valueName: "position"))
    var from: UInt64 = 0

    @Flag(help: "Only record the request, for the process that runs the projection.")
    var noWait = false

    func run() async throws {
        let name = target.name
        let from = GlobalPosition(from)
        let noWait = noWait
        try await withProjectionRunner(App.self, target) { runner in
            let before = try await runner.status(of: name)
            try await runner.rebuild(name, from: from)
            guard !noWait else {
                StandardError.writeLine("rebuild of \(name) from position \(from) requested; the process running it takes it up")
                return
            }
            let running = Task { try await runner.run() }
            defer { running.cancel() }
            var progress = ProgressReporter("rebuilding \(name)")
            while true {
                try Task.checkCancellation()
                let status = try await runner.status(of: name)
                let head = Int(status.head.value) - Int(from.value)
                if status.generation > before.generation, status.rebuildCheckpoint == nil {
                    progress.finish(done: max(head, 0), total: max(head, 0))
                    StandardError.writeLine("rebuilt \(name): generation \(status.generation), checkpoint \(status.checkpoint)")
                    return
                }
                if status.state == .failed {
                    throw CLIError("the rebuild of \(name) failed: \(status.lastError ?? "no error recorded")")
                }
                let done = Int(status.rebuildCheckpoint?.value ?? from.value) - Int(from.value)
                progress.update(done: max(done, 0), total: max(head, 0))
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}

/// `strata projections reset NAME --to POSITION`: moves a checkpoint in place.
struct ProjectionsResetCommand<App: StrataApplication>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "reset",
            abstract: "Move a projection's checkpoint: events after the position are applied (again) next.",
            discussion: "Moving back re-applies events to a read model that has them: use rebuild to start over safely."
        )
    }

    @OptionGroup var target: ProjectionTarget

    @Option(help: ArgumentHelp("The new checkpoint: the last position considered processed.", valueName: "position"))
    var to: UInt64

    func run() async throws {
        let name = target.name
        let position = GlobalPosition(to)
        try await withProjectionRunner(App.self, target) { runner in
            try await runner.reset(name, to: position)
        }
        StandardError.writeLine("reset \(name) to position \(position)")
    }
}
