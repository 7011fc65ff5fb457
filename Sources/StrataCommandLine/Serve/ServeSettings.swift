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
    /// PostgreSQL hot standbys of the read store that answer queries.
    var readReplicas: [ReadReplicaLocation] = []
    /// The most events a replica's views may lag behind the primary's and still answer queries.
    var readReplicaMaxLag: UInt64 = 1_000
    /// Where traces go, or `nil` when they are not exported.
    var traceExport: TraceExport?

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
        let environmentReadTimeout = try Self.duration(named("STRATA_READ_TIMEOUT"), "STRATA_READ_TIMEOUT")
        if let timeout = command.readTimeout ?? environmentReadTimeout {
            readTimeout = timeout.duration
        }
        let environmentInterval = try Self.duration(named("STRATA_OUTCOME_PURGE_INTERVAL"), "STRATA_OUTCOME_PURGE_INTERVAL")
        if let interval = command.outcomePurgeInterval ?? environmentInterval {
            guard interval.duration > .zero else { throw .badInput("the outcome purge interval must be positive") }
            outcomePurgeInterval = interval.duration
        }
        let environmentIdleTimeout = try Self.duration(named("STRATA_IDLE_TIMEOUT"), "STRATA_IDLE_TIMEOUT")
        if let timeout = command.idleTimeout ?? environmentIdleTimeout {
            http.idleTimeout = timeout.duration > .zero ? timeout.duration : nil
        }
        let environmentConnections = try Self.integer(named("STRATA_MAX_CONNECTIONS"), "STRATA_MAX_CONNECTIONS")
        if let connections = command.maxConnections ?? environmentConnections {
            guard (1...1_000_000).contains(connections) else { throw .badInput("the connection limit must be from 1 to 1000000") }
            http.maxConnections = connections
        }
        let environmentStreams = try Self.integer(named("STRATA_MAX_EVENT_STREAMS"), "STRATA_MAX_EVENT_STREAMS")
        if let streams = command.maxEventStreams ?? environmentStreams {
            guard streams >= 0 else { throw .badInput("the event stream limit must not be negative") }
            http.maxEventStreams = streams
        }
        // Streams hold their connections for as long as they are open: at the connection limit, no query or
        // command could get in.
        guard http.maxEventStreams < http.maxConnections else {
            throw .badInput(
                "the event stream limit (\(http.maxEventStreams)) must be below the connection limit (\(http.maxConnections)), "
                    + "or streams could hold every connection"
            )
        }
        if let level = command.logLevel ?? named("STRATA_LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else { throw .badInput("unknown log level '\(level)'") }
            logLevel = parsed
        }
        traceExport = try TraceExport(endpoint: command.otelEndpoint, environment: environment)
        let replicaURLs = command.readReplicas.isEmpty ? Self.list(named("STRATA_READ_REPLICAS")) : command.readReplicas
        readReplicas = try replicaURLs.map { url throws(CLIError) in try ReadReplicaLocation(parsing: url, primary: readStore) }
        let environmentLag = try Self.integer(named("STRATA_READ_REPLICA_MAX_LAG"), "STRATA_READ_REPLICA_MAX_LAG")
        if let lag = command.readReplicaMaxLag ?? environmentLag {
            guard lag >= 0 else { throw .badInput("the read replica lag limit must not be negative") }
            readReplicaMaxLag = UInt64(lag)
        }
    }

    /// The comma-separated items of `text`, trimmed, without empty ones.
    private static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private static func duration(_ text: String?, _ name: String) throws(CLIError) -> DurationArgument? {
        guard let text else { return nil }
        guard let value = DurationArgument(argument: text) else {
            throw .badInput("\(name) must be a duration such as 250ms, 5s, 30m or 1h, not '\(text)'")
        }
        return value
    }

    private static func integer(_ text: String?, _ name: String) throws(CLIError) -> Int? {
        guard let text else { return nil }
        guard let value = Int(text) else { throw .badInput("\(name) must be an integer, not '\(text)'") }
        return value
    }
}
