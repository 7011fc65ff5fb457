//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// Settings of a Strata HTTP service.
public struct StrataHTTPConfiguration: Sendable {
    /// 1 MiB: generous for JSON commands, small enough that a flood of large bodies cannot exhaust memory.
    public static let defaultMaxBodySize = 1 << 20
    /// The longest `Idempotency-Key` and `Strata-Correlation-ID`, in bytes: both are stored, with each command
    /// outcome and each event.
    public static let maxTokenHeaderBytes = 200
    /// How deep JSON request bodies may nest arrays and objects: commands need a few levels; the limit keeps a
    /// body of a million brackets from costing the decoder a million frames.
    public static let defaultMaxJSONDepth = 32

    /// The address to bind; loopback by default, so that nothing is exposed until asked for.
    public var host = "127.0.0.1"
    /// The port to bind; 0 picks a free one.
    public var port = 8080
    /// The largest request body read; larger ones are answered 413.
    public var maxBodySize = Self.defaultMaxBodySize
    /// How deep JSON request bodies may nest; deeper ones are answered 400.
    public var maxJSONDepth = Self.defaultMaxJSONDepth
    /// The most connections served at once. Beyond it the service stops accepting: new connections wait in the
    /// kernel's listen queue until one closes.
    public var maxConnections = 512
    /// How long a connection may stay silent: between requests, and while its request head is still arriving
    /// (a head sent a byte at a time cannot hold a connection longer). `nil` never closes idle connections.
    public var idleTimeout: Duration? = .seconds(30)
    /// The most `/events` streams open at once; beyond it `/events` answers 503 with `Retry-After`, so that
    /// long-lived streams cannot take every connection from queries and commands.
    public var maxEventStreams = 128
    /// The HS256 secret bearer tokens are signed with, at least 32 bytes; `nil` serves without authentication.
    public var authSecret: String?
    /// What bearer tokens must say beyond signature and scope: issuer, audience, lifetime.
    public var tokens = TokenPolicy()
    /// How often an idle `/events` stream sends a keep-alive comment, so that proxies keep it open.
    public var eventStreamHeartbeat: Duration = .seconds(15)
    /// The most events `/streams/{id}` returns per page.
    public var maximumPageSize = 1_000

    public init() {}
}
