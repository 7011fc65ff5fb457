//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import OpenAPIKit

/// A route's contract, declared where the route is registered, from which the service's OpenAPI document is made.
///
/// ```swift
/// routes.post(
///     "/accounts/{id}/deposits",
///     access: .write,
///     documentation: .command("deposit", summary: "Deposits money", body: depositSchema, problems: [422: ["account-closed"]])
/// ) { request, context in … }
/// ```
///
/// The document (`GET /openapi.json`) lists every route the router has, so a route cannot answer without being
/// documented; what is declared here says what it takes and what it answers. Strata adds what every route shares:
/// the bearer scheme with the scope the route's ``RouteAccess`` names (and 401 and 403 when the service checks
/// tokens), `500 internal-error` and `503 database-unavailable`, and for a route with a body `413 body-too-large`
/// and `400 malformed-body`/`too-deeply-nested`.
public struct RouteDocumentation: Sendable {
    /// A stable, unique name of the operation, such as `placeOrder`: what generated clients call it.
    public var operationID: String
    /// A one-line summary.
    public var summary: String
    /// What the operation does, at length (CommonMark).
    public var description: String?
    /// Groups in the document, such as `orders`.
    public var tags: [String]
    /// Query and header parameters, and path parameters whose schema is not a plain non-empty string.
    public var parameters: [OpenAPI.Parameter]
    /// The request body, if the route reads one.
    public var requestBody: OpenAPI.Request?
    /// The answers other than problems, by status code.
    public var responses: [Int: OpenAPI.Response]
    /// The problem codes the route can answer with (beyond those Strata adds), by status code.
    public var problems: [Int: [String]]

    /// - Parameters:
    ///   - operationID: A stable, unique name, such as `placeOrder`.
    ///   - summary: A one-line summary.
    ///   - description: What the operation does, at length.
    ///   - tags: Groups in the document.
    ///   - parameters: Query, header and non-string path parameters.
    ///   - requestBody: The request body, if any.
    ///   - responses: The answers other than problems, by status code.
    ///   - problems: Problem codes by status code, beyond those Strata adds.
    public init(
        _ operationID: String,
        summary: String,
        description: String? = nil,
        tags: [String] = [],
        parameters: [OpenAPI.Parameter] = [],
        requestBody: OpenAPI.Request? = nil,
        responses: [Int: OpenAPI.Response],
        problems: [Int: [String]] = [:]
    ) {
        self.operationID = operationID
        self.summary = summary
        self.description = description
        self.tags = tags
        self.parameters = parameters
        self.requestBody = requestBody
        self.responses = responses
        self.problems = problems
    }

    /// Says that a value of this route's successful answers feeds another operation: an OpenAPI link, which
    /// clients and testing tools follow from one call to the next (register a customer, then place their order).
    ///
    /// - Parameters:
    ///   - name: The link's name.
    ///   - operationID: The operation the link leads to.
    ///   - parameters: The target's parameters, by name, as runtime expressions such as `$response.body#/id`.
    ///   - body: The target's request body members, by name, as runtime expressions or literal strings.
    public func linking(
        _ name: String,
        to operationID: String,
        parameters: [String: String] = [:],
        body: [String: String]? = nil
    ) -> Self {
        func value(_ text: String) -> Either<OpenAPI.RuntimeExpression, AnyCodable> {
            OpenAPI.RuntimeExpression(rawValue: text).map { .a($0) } ?? .b(AnyCodable(text))
        }
        var linkParameters = OrderedDictionary<String, Either<OpenAPI.RuntimeExpression, AnyCodable>>()
        for (key, text) in parameters.sorted(by: { $0.key < $1.key }) { linkParameters[key] = value(text) }
        let link = OpenAPI.Link(
            operationId: operationID,
            parameters: linkParameters,
            requestBody: body.map { .b(AnyCodable($0)) }
        )
        var copy = self
        for (status, var response) in responses where (200..<300).contains(status) {
            response.links[name] = .b(link)
            copy.responses[status] = response
        }
        return copy
    }

    /// Adds problem codes to those the route declares.
    public func adding(problems more: [Int: [String]]) -> Self {
        var copy = self
        copy.problems.merge(more) { $0 + $1 }
        return copy
    }
}

// MARK: - Commands and queries

extension RouteDocumentation {
    /// A command: a JSON body in, a ``CommandReply`` out (201 when it creates something, else 200), with the
    /// headers every command honours.
    ///
    /// Documents `Idempotency-Key` and `Strata-Correlation-ID` (and `If-Match` when `conditional`), the reply's
    /// `Strata-Position`, `ETag` and `Idempotent-Replayed` headers, and the problems every command can meet:
    /// `invalid-idempotency-key`, `invalid-correlation-id`, `409 concurrency-conflict` and
    /// `422 idempotency-key-reuse` (and `invalid-if-match` and `412 precondition-failed` when `conditional`).
    ///
    /// - Parameters:
    ///   - operationID: A stable, unique name, such as `placeOrder`.
    ///   - summary: A one-line summary.
    ///   - description: What the command does, at length.
    ///   - tags: Groups in the document.
    ///   - body: The body's schema; `nil` for a command without one.
    ///   - bodyRequired: Whether the body may be left out.
    ///   - creates: Whether the command creates something, answered 201 with its id.
    ///   - conditional: Whether the command honours `If-Match` (it acts on an existing stream).
    ///   - problems: The command's own problem codes, by status code.
    public static func command(
        _ operationID: String,
        summary: String,
        description: String? = nil,
        tags: [String] = [],
        body: JSONSchema? = nil,
        bodyRequired: Bool = true,
        creates: Bool = false,
        conditional: Bool = false,
        problems: [Int: [String]] = [:]
    ) -> Self {
        var parameters: [OpenAPI.Parameter] = [APIComponents.idempotencyKeyHeader, APIComponents.correlationIDHeader]
        var common: [Int: [String]] = [
            400: ["invalid-idempotency-key", "invalid-correlation-id"],
            409: ["concurrency-conflict"],
            422: ["idempotency-key-reuse"],
        ]
        if conditional {
            parameters.append(APIComponents.ifMatchHeader)
            common[400, default: []].append("invalid-if-match")
            common[412] = ["precondition-failed"]
        }
        return RouteDocumentation(
            operationID,
            summary: summary,
            description: description,
            tags: tags,
            parameters: parameters,
            requestBody: body.map { OpenAPI.Request(content: [.json: .b(OpenAPI.Content(schema: $0))], required: bodyRequired) },
            responses: [creates ? 201 : 200: APIComponents.commandReply(creates: creates)],
            problems: common.merging(problems) { $0 + $1 }
        )
    }

    /// A query: read-your-writes through `Strata-Min-Position` (or `minPosition`), JSON out.
    ///
    /// Documents the two ways to pass the position, `400 invalid-min-position`, and the 503 problems of a view
    /// that is not built yet (`view-not-built`) or has not caught up in time (`stale-read-model`, with
    /// `Retry-After`).
    ///
    /// - Parameters:
    ///   - operationID: A stable, unique name, such as `getOrder`.
    ///   - summary: A one-line summary.
    ///   - description: What the query answers, at length.
    ///   - tags: Groups in the document.
    ///   - parameters: Query, header and non-string path parameters.
    ///   - result: The answer's schema.
    ///   - problems: The query's own problem codes, by status code.
    public static func query(
        _ operationID: String,
        summary: String,
        description: String? = nil,
        tags: [String] = [],
        parameters: [OpenAPI.Parameter] = [],
        result: JSONSchema,
        problems: [Int: [String]] = [:]
    ) -> Self {
        RouteDocumentation(
            operationID,
            summary: summary,
            description: description,
            tags: tags,
            parameters: parameters + [APIComponents.minPositionHeader, APIComponents.minPositionQuery],
            responses: [200: OpenAPI.Response(description: "The answer.", content: [.json: .b(OpenAPI.Content(schema: result))])],
            problems: [400: ["invalid-min-position"], 503: ["view-not-built", "stale-read-model"]].merging(problems) { $0 + $1 }
        )
    }
}
