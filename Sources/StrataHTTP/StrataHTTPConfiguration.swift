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

    /// The address to bind; loopback by default, so that nothing is exposed until asked for.
    public var host = "127.0.0.1"
    /// The port to bind; 0 picks a free one.
    public var port = 8080
    /// The largest request body read; larger ones are answered 413.
    public var maxBodySize = Self.defaultMaxBodySize
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
