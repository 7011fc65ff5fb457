//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata

/// Connection settings parsed from a store URL.
///
/// The form is `postgres://user:password@host:port/database?schema=name&sslmode=mode` (`postgresql://` works too):
/// - `user` defaults to `postgres`, `port` to 5432, `database` to the user name; percent-escapes are decoded.
/// - `schema`: the PostgreSQL schema of the store's tables (default: the configuration's, `strata`).
/// - `sslmode`: `disable`; `prefer` (the default: TLS when the server offers it, unverified); `require` (TLS,
///   unverified); `verify-ca` (TLS, certificate checked); `verify-full` (TLS, certificate and host name checked).
///   `sslrootcert=PATH` names the CA certificates to trust for the verifying modes.
/// - `connect_timeout` (seconds) and `max_connections` tune the client's pool.
public struct PostgresConnectionSettings: Sendable {
    /// The postgres-nio client configuration.
    public var client: PostgresClient.Configuration
    /// The schema the URL names, if any.
    public var schema: String?

    /// Parses a store URL.
    ///
    /// - Throws: EventStoreError with code `invalidArgument` naming what is wrong.
    public init(url text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw EventStoreError(.invalidArgument, "'\(Self.redacted(text))' is not a postgres:// URL")
        }
        guard let host = components.host, !host.isEmpty else {
            throw EventStoreError(.invalidArgument, "the PostgreSQL URL '\(Self.redacted(text))' names no host")
        }
        let user = components.user?.removingPercentEncoding ?? "postgres"
        let password = components.password?.removingPercentEncoding
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] {
            parameters[item.name] = item.value ?? ""
        }
        var client = PostgresClient.Configuration(
            host: host,
            port: components.port ?? 5432,
            username: user,
            password: password,
            database: database,
            tls: try Self.tls(mode: parameters["sslmode"] ?? "prefer", rootCertificates: parameters["sslrootcert"])
        )
        if let timeout = parameters["connect_timeout"] {
            guard let seconds = Int64(timeout), seconds > 0 else {
                throw EventStoreError(.invalidArgument, "connect_timeout must be a positive number of seconds, not '\(timeout)'")
            }
            client.options.connectTimeout = .seconds(seconds)
        }
        if let maximum = parameters["max_connections"] {
            guard let count = Int(maximum), count > 0 else {
                throw EventStoreError(.invalidArgument, "max_connections must be a positive number, not '\(maximum)'")
            }
            client.options.maximumConnections = count
        }
        self.client = client
        self.schema = parameters["schema"].flatMap { $0.isEmpty ? nil : $0 }
    }

    private static func tls(mode: String, rootCertificates: String?) throws -> PostgresClient.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let rootCertificates {
            tls.trustRoots = .file(rootCertificates)
        }
        switch mode {
        case "disable":
            return .disable
        case "prefer", "allow":
            tls.certificateVerification = .none
            return .prefer(tls)
        case "require":
            tls.certificateVerification = .none
            return .require(tls)
        case "verify-ca":
            tls.certificateVerification = .noHostnameVerification
            return .require(tls)
        case "verify-full":
            tls.certificateVerification = .fullVerification
            return .require(tls)
        default:
            throw EventStoreError(.invalidArgument, "unknown sslmode '\(mode)': use disable, prefer, require, verify-ca or verify-full")
        }
    }

    /// The URL with its password hidden, for messages and logs.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}
