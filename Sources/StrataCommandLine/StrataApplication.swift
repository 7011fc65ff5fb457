//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Hummingbird
import OpenAPIKit
import ServiceLifecycle
import Strata
import StrataHTTP

/// What a team hands Strata to get the `strata` tool for its own domain: `serve`, `migrate`, `events`,
/// `streams`, `projections`, `stats` and `subjects`.
///
/// The application is also the parsed set of its own `serve` options (ArgumentParser's `ParsableArguments`),
/// so that settings such as the shop's `--payment-timeout` sit beside Strata's.
///
/// ```swift
/// @main
/// enum Tool {
///     static func main() async { await StrataTool<MyApplication>.main() }
/// }
/// ```
public protocol StrataApplication: ParsableArguments, Sendable {
    /// A one-line description of the application, shown in `serve --help` and in the startup log.
    static var summary: String { get }

    /// The name of the application's executable, as its help and usage messages spell it (`USAGE: bank serve`,
    /// "See 'bank help serve'"). By default, the name the process was started with.
    static var commandName: String { get }

    /// The tool's one-line help, above its list of commands. By default it names ``summary``.
    static var abstract: String { get }

    /// Which fields of which events are personal data; the service encrypts them and can forget their subjects.
    var personalDataRules: [PersonalDataRule] { get }

    /// The projections `serve` runs and the `projections` commands rebuild, reset and replay.
    var projections: [any Projection] { get }

    /// Background services that run beside the projections, such as process-manager runners.
    ///
    /// They start after the databases and before the HTTP server, and stop in the reverse order.
    func services(in runtime: StrataRuntime) -> [any Service]

    /// Adds the application's command and query routes, each declaring the access it needs
    /// (`routes.post("/orders", access: .write) { … }`); a route that declares none needs `admin`.
    func addRoutes(to routes: StrataRoutes, runtime: StrataRuntime)

    /// Maps the application's own error types to HTTP problems (Strata maps its own).
    var problems: ProblemMapping { get }

    /// The title, version and description of the service's OpenAPI document (`GET /openapi.json`,
    /// `strata openapi`). By default the title is the command's name and the description ``summary``.
    var openAPIInfo: OpenAPI.Document.Info { get }
}

extension StrataApplication {
    /// The application with its options at their defaults.
    ///
    /// ArgumentParser's property wrappers can be read only once parsed, so an application made with `init()`
    /// must not be used; this parses an empty command line instead.
    public static func withDefaultOptions() throws -> Self { try parse([]) }

    public static var commandName: String {
        CommandLine.arguments.first.flatMap { $0.split(separator: "/").last.map(String.init) } ?? "strata"
    }

    public static var abstract: String {
        "Serve \(summary), and inspect and write its event store and read models."
    }

    public var personalDataRules: [PersonalDataRule] { [] }

    public func services(in runtime: StrataRuntime) -> [any Service] { [] }

    public var problems: ProblemMapping { ProblemMapping() }

    public var openAPIInfo: OpenAPI.Document.Info {
        OpenAPI.Document.Info(title: Self.commandName, description: "The HTTP API of \(Self.summary).", version: "1.0.0")
    }
}
