//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Logging
import StrataHTTP

/// `serve`'s settings resolved from options, then the environment, then defaults.
struct ServeSettings {
    var store: StoreLocation
    var readStore: ReadStoreLocation
    var http = StrataHTTPConfiguration()
    var readTimeout: Duration = .seconds(5)
    var outcomePurgeInterval: Duration = .seconds(3_600)
    var logLevel: Logger.Level = .info

    init<App: StrataApplication>(command: ServeCommand<App>, environment: [String: String]) throws(CLIError) {
        func named(_ variable: String) -> String? { environment[variable].flatMap { $0.isEmpty ? nil : $0 } }

        store = try command.storeOptions.location(environment: environment)
        readStore = try command.readStoreOptions.location(besides: store, environment: environment)
        http.host = command.host ?? named("STRATA_HOST") ?? http.host
        let environmentPort = try Self.integer(named("STRATA_PORT"), "STRATA_PORT")
        if let port = command.port ?? environmentPort {
            guard (0...65_535).contains(port) else { throw .badInput("the port must be between 0 and 65535, not \(port)") }
            http.port = port
        }
        http.authSecret = command.authSecret ?? named("STRATA_AUTH_SECRET")
        if let secret = http.authSecret, secret.utf8.count < 32 {
            // HS256 keys shorter than the hash output weaken the signature.
            throw .badInput("the auth secret must have at least 32 bytes")
        }
        try command.authOptions.apply(to: &http, environment: named)
        let environmentSize = try Self.integer(named("STRATA_MAX_BODY_SIZE"), "STRATA_MAX_BODY_SIZE")
        if let size = command.maxBodySize ?? environmentSize {
            guard size > 0 else { throw .badInput("the body size limit must be positive") }
            http.maxBodySize = size
        }
        if let seconds = command.readTimeout ?? named("STRATA_READ_TIMEOUT").flatMap(Double.init) {
            guard seconds >= 0 else { throw .badInput("the read timeout must not be negative") }
            readTimeout = .milliseconds(Int64(seconds * 1000))
        }
        if let seconds = command.outcomePurgeInterval ?? named("STRATA_OUTCOME_PURGE_INTERVAL").flatMap(Double.init) {
            guard seconds > 0 else { throw .badInput("the outcome purge interval must be positive") }
            outcomePurgeInterval = .milliseconds(Int64(seconds * 1000))
        }
        if let level = command.logLevel ?? named("STRATA_LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else { throw .badInput("unknown log level '\(level)'") }
            logLevel = parsed
        }
    }

    private static func integer(_ text: String?, _ name: String) throws(CLIError) -> Int? {
        guard let text else { return nil }
        guard let value = Int(text) else { throw .badInput("\(name) must be an integer, not '\(text)'") }
        return value
    }
}
