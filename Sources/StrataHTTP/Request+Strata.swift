//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import Strata

extension Request {
    /// Decodes the JSON body as `T`.
    ///
    /// - Throws: ``HTTPProblem`` 400 for an empty body, text that is not JSON, or a missing or mistyped field; 413
    ///   for a body beyond the service's limit; 400 `too-deeply-nested` for arrays and objects nested deeper than
    ///   the service's limit (``StrataHTTPConfiguration/maxJSONDepth``).
    public func decodeJSON<T: Decodable>(as type: T.Type, context: StrataRequestContext) async throws -> T {
        guard let value = try await decodeJSONIfPresent(as: type, context: context) else {
            throw HTTPProblem(.badRequest, code: "malformed-body", title: "Malformed request body", detail: "a JSON body is required")
        }
        return value
    }

    /// Decodes the JSON body as `T`, or `nil` when the body is empty: for commands whose body is optional.
    ///
    /// - Throws: As ``decodeJSON(as:context:)``, but for an empty body.
    public func decodeJSONIfPresent<T: Decodable>(as type: T.Type, context: StrataRequestContext) async throws -> T? {
        var request = self
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return nil }
        let bytes = buffer.readableBytesView
        guard !JSONNesting.depth(of: bytes, exceeds: context.maxJSONDepth) else {
            throw HTTPProblem(
                .badRequest,
                code: "too-deeply-nested",
                title: "Malformed request body",
                detail: "arrays and objects may nest at most \(context.maxJSONDepth) deep"
            )
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw HTTPProblem(.badRequest, code: "malformed-body", title: "Malformed request body", detail: ProblemMapping.describe(error))
        }
    }

    /// The stream version `If-Match` requires (`"3"`, also `W/"3"` or `3`); `nil` without the header or for `*`.
    ///
    /// Percent-encoded quotes (`%223%22`) are read as quotes: OpenAPI clients generated with
    /// swift-openapi-generator encode header values so, and an `ETag` they pass back must still match.
    ///
    /// - Throws: ``HTTPProblem`` 400 for any other value.
    public func expectedVersion() throws -> StreamVersion? {
        guard var value = headers[.ifMatch]?.trimmingCharacters(in: .whitespaces), value != "*" else { return nil }
        if value.contains("%22") { value = value.replacingOccurrences(of: "%22", with: "\"") }
        if value.hasPrefix("W/") { value.removeFirst(2) }
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
        guard let version = StreamVersion(parsing: value) else {
            throw HTTPProblem(.badRequest, code: "invalid-if-match", detail: "If-Match must be a stream version in quotes, such as \"3\"")
        }
        return version
    }

    /// The request's `Idempotency-Key`; `nil` without one.
    ///
    /// - Throws: ``HTTPProblem`` 400 for an empty key, one longer than ````StrataHTTPConfiguration/maxTokenHeaderBytes````
    ///   bytes, or one with control characters.
    public func idempotencyKey() throws -> String? {
        guard let key = headers[.idempotencyKey] else { return nil }
        guard Self.isTokenHeaderValue(key) else {
            throw HTTPProblem(
                .badRequest,
                code: "invalid-idempotency-key",
                detail: "Idempotency-Key must be 1 to \(StrataHTTPConfiguration.maxTokenHeaderBytes) bytes without control characters"
            )
        }
        return key
    }

    /// The position a read-your-writes query must wait for: the `Strata-Min-Position` header, else the
    /// `minPosition` query parameter; `nil` without either.
    ///
    /// - Throws: ``HTTPProblem`` 400 when it is not a global position (an integer from 0 to 2^63 - 1).
    public func minimumPosition() throws -> GlobalPosition? {
        guard let text = headers[.strataMinPosition] ?? uri.queryParameters["minPosition"].map(String.init) else { return nil }
        guard let position = GlobalPosition(parsing: text.trimmingCharacters(in: .whitespaces)) else {
            throw HTTPProblem(.badRequest, code: "invalid-min-position", detail: "Strata-Min-Position must be a global position, such as 42")
        }
        return position
    }

    /// Metadata for the events a command appends: the caller's `Strata-Correlation-ID` (else the request id) and
    /// the authenticated subject.
    ///
    /// - Throws: ``HTTPProblem`` 400 for an empty correlation id, one longer than
    ///   ````StrataHTTPConfiguration/maxTokenHeaderBytes```` bytes, or one with control characters: it is stored with
    ///   every event the command appends.
    public func commandMetadata(context: StrataRequestContext) throws -> CommandMetadata {
        var custom: [String: String] = [:]
        if let subject = context.subject { custom["subject"] = subject }
        if let correlationID = headers[.correlationID] {
            guard Self.isTokenHeaderValue(correlationID) else {
                throw HTTPProblem(
                    .badRequest,
                    code: "invalid-correlation-id",
                    detail: "Strata-Correlation-ID must be 1 to \(StrataHTTPConfiguration.maxTokenHeaderBytes) bytes without control characters"
                )
            }
            return CommandMetadata(correlationID: correlationID, custom: custom)
        }
        return CommandMetadata(correlationID: context.logger[metadataKey: "hb.request.id"]?.description, custom: custom)
    }

    /// Whether a header value that Strata stores (an idempotency key, a correlation id) is non-empty, fits the
    /// byte limit and holds no control characters.
    private static func isTokenHeaderValue(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= StrataHTTPConfiguration.maxTokenHeaderBytes
            && !value.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// The `limit` of a paged read: `maximum` when absent or larger.
    ///
    /// - Throws: HTTPProblem `400 invalid-limit` when it is 0, `400 invalid-parameter` when it is not a number.
    func pageLimit(maximum: Int) throws -> Int {
        let limit = min(try integerParameter("limit") ?? UInt64(maximum), UInt64(maximum))
        guard limit > 0 else { throw HTTPProblem(.badRequest, code: "invalid-limit", detail: "limit must be positive") }
        return Int(limit)
    }
}
