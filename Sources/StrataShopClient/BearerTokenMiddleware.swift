//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Sends `Authorization: Bearer <token>` with every request, for a service started with an auth secret.
///
/// ```swift
/// let client = Client(
///     serverURL: URL(string: "http://127.0.0.1:8080")!,
///     transport: AsyncHTTPClientTransport(),
///     middlewares: [BearerTokenMiddleware(token: token)]
/// )
/// ```
public struct BearerTokenMiddleware: ClientMiddleware {
    /// The token, as `strata token` prints it.
    public var token: String

    public init(token: String) {
        self.token = token
    }

    public func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(token)"
        return try await next(request, body, baseURL)
    }
}
