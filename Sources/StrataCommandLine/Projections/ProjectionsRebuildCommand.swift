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
                itself and shows its progress on stderr until the switch. With a PostgreSQL read store it waits for \
                the projection's lease, so that a running `serve` that holds it does the work and this \
                command only reports progress. With --no-wait, a running `serve` takes the request up within \
                a second. Interrupting the wait leaves the request recorded: the next process to run the \
                projection carries on with it.
                """
        )
    }

    @OptionGroup var target: ProjectionTarget

    @Option(help: ArgumentHelp("The first position to apply; default: the start of the log.", valueName: "position"))
    var from: UInt64 = 0

    @Flag(help: "Only record the request, for the process that runs the projection.")
    var noWait = false

    /// How often the wait looks at the registry; progress lines are rate-limited by the reporter.
    static var pollInterval: Duration { .milliseconds(100) }

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
            let finished = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await runner.run()
                    return false
                }
                group.addTask {
                    try await Self.waitForSwitch(of: name, after: before.generation, from: from, runner: runner)
                    return true
                }
                // The runner stops on cancellation; the group waits for it before the stores close.
                defer { group.cancelAll() }
                return try await group.next() ?? false
            }
            let status = try await runner.status(of: name)
            guard finished || Self.hasSwitched(status, after: before.generation) else {
                let reached = status.rebuildCheckpoint.map { "position \($0)" } ?? "its start"
                throw CLIError("the rebuild of \(name) stopped at \(reached): \(status.lastError ?? "no error recorded")")
            }
            StandardError.writeLine("rebuilt \(name): generation \(status.generation), checkpoint \(status.checkpoint)")
        }
    }

    static func hasSwitched(_ status: ProjectionStatus, after generation: Int) -> Bool {
        status.generation > generation && status.rebuildCheckpoint == nil
    }

    /// Reports the rebuild's progress from the registry until the rebuilt generation is the active one.
    ///
    /// The registry, not this process's runner, is the source: under a lease another process may do the work.
    private static func waitForSwitch(of name: String, after generation: Int, from: GlobalPosition, runner: ProjectionRunner) async throws {
        // The rebuilt lane starts just before `from`; progress counts positions from there.
        let base = Int(clamping: from.value > 0 ? from.value - 1 : 0)
        var progress = ProgressReporter("rebuilding \(name)")
        var announcedStandby = false
        while true {
            let status = try await runner.status(of: name)
            let total = max(Int(clamping: status.head.value) - base, 0)
            if hasSwitched(status, after: generation) {
                progress.finish(done: total, total: total)
                return
            }
            if status.state == .failed {
                throw CLIError("the rebuild of \(name) failed: \(status.lastError ?? "no error recorded")")
            }
            if status.state == .standby, !announcedStandby {
                announcedStandby = true
                StandardError.writeLine("\(name) is run by \(status.node ?? "another process"), which holds its lease: following its progress")
            }
            let done = max(Int(clamping: status.rebuildCheckpoint?.value ?? UInt64(base)) - base, 0)
            progress.update(done: done, total: total)
            try await Task.sleep(for: pollInterval)
        }
    }
}
