//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import OpenAPIRuntime

extension Client {
    /// A client of the shop served at `serverURL`, configured as Strata's answers need.
    ///
    /// ```swift
    /// let shop = Client(strataServerURL: URL(string: "http://127.0.0.1:8080")!, token: token, transport: AsyncHTTPClientTransport())
    /// let order = try await shop.getOrder(path: .init(id: orderID)).ok.body.json
    /// ```
    ///
    /// - Parameters:
    ///   - serverURL: Where the service listens.
    ///   - token: A bearer token (`strata token`), for a service started with an auth secret.
    ///   - transport: How requests travel, such as `AsyncHTTPClientTransport()`.
    public init(strataServerURL serverURL: URL, token: String? = nil, transport: any ClientTransport) {
        self.init(
            serverURL: serverURL,
            // Strata writes times with milliseconds (`2026-12-04T09:15:02.123Z`).
            configuration: Configuration(dateTranscoder: .iso8601WithFractionalSeconds),
            transport: transport,
            middlewares: token.map { [BearerTokenMiddleware(token: $0)] } ?? []
        )
    }
}
