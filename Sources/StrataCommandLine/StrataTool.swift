//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation

/// The `strata` tool for an application: the root of every command group.
///
/// A team's executable runs it with its own ``StrataApplication`` and gets `serve`, `migrate`, `events`,
/// `streams`, `projections`, `stats` and `subjects` for its domain.
///
/// Its `main()` replaces ArgumentParser's so that exit statuses follow the CLI's contract (0 success, 1 bad
/// input or failure, 2 version conflict) instead of ArgumentParser's `EX_USAGE`.
public struct StrataTool<App: StrataApplication>: AsyncParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: App.commandName,
            abstract: App.abstract,
            subcommands: [
                ServeCommand<App>.self,
                EventsCommand.self,
                StreamsCommand.self,
                ProjectionsCommand<App>.self,
                StatsCommand.self,
                VerifyCommand.self,
                ExportCommand.self,
                ImportCommand.self,
                CopyCommand.self,
                SubjectsCommand.self,
                MigrateCommand.self,
                TokenCommand.self,
                OpenAPICommand<App>.self,
            ]
        )
    }

    public init() {}

    /// Parses the command line, runs the command and exits with the CLI's status.
    public static func main() async {
        var command: any ParsableCommand
        do {
            command = try await asyncParseAsRoot()
        } catch {
            exitWithUsageMessage(for: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // `--help` and command groups run without a subcommand report through ArgumentParser's own errors.
            if isArgumentParserError(error) { exitWithUsageMessage(for: error) }
            let failure = CLIError(error)
            StandardError.writeLine("error: \(failure.message)")
            Foundation.exit(failure.status.rawValue)
        }
    }

    /// Help requests exit 0 the usual way; a malformed command line is bad input, so it exits 1.
    private static func exitWithUsageMessage(for error: any Error) -> Never {
        if exitCode(for: error) == .success {
            exit(withError: error)
        }
        StandardError.writeLine(fullMessage(for: error))
        Foundation.exit(ExitStatus.failure.rawValue)
    }

    /// Whether ArgumentParser raised `error`; its parser errors are internal types, so the module name decides.
    private static func isArgumentParserError(_ error: any Error) -> Bool {
        error is CleanExit || error is ValidationError || error is ExitCode
            || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}
