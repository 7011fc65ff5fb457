//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import Logging
import Prometheus
import Strata
import StrataHTTP

/// `strata openapi`: writes the service's OpenAPI document, as `GET /openapi.json` answers it, without a database.
struct OpenAPICommand<App: StrataApplication>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "openapi",
            abstract: "Print the HTTP API's OpenAPI 3.1 document.",
            discussion: """
                The document `serve` answers at /openapi.json (and /openapi.yaml): every route, its parameters, \
                bodies, answers and problem codes, and the bearer scope each operation needs. Without --no-auth it \
                describes a service started with an auth secret, as production runs.
                """
        )
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, yaml
    }

    @Option(help: ArgumentHelp("json or yaml.", valueName: "format"))
    var format = Format.json

    @Flag(name: .customLong("no-auth"), help: "Describe a service started without an auth secret: no bearer tokens.")
    var withoutAuth = false

    func run() async throws {
        let app = try App.withDefaultOptions()
        var http = StrataHTTPConfiguration()
        // Only whether there is a secret shapes the document; this one is never used to sign or check anything.
        if !withoutAuth { http.authSecret = String(repeating: "d", count: 32) }
        // The service `serve` would build, on in-memory stores that it never starts: only its routes matter.
        let store = InMemoryEventStore()
        let service = await StrataService.make(
            app,
            store: store,
            processManagerStore: store,
            readStore: InMemoryReadStore(),
            forgetSubject: { _ in false },
            http: http,
            metrics: PrometheusCollectorRegistry(),
            logger: Logger(label: "strata.openapi") { _ in SwiftLogNoOpLogHandler() }
        )
        let document = service.openAPIDocument
        switch format {
        case .json:
            var data = try StrataRouter.json(document)
            data.append(UInt8(ascii: "\n"))
            FileHandle.standardOutput.write(data)
        case .yaml:
            FileHandle.standardOutput.write(Data(try StrataRouter.yaml(document).utf8))
        }
    }
}
