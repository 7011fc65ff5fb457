//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Hummingbird
import OpenAPIKit

/// Makes the service's OpenAPI document from the routes the router has, so that the document cannot list a route
/// the service does not answer or leave out one it does.
struct APIDocumentBuilder {
    static let bearerScheme = "bearerAuth"

    var info: OpenAPI.Document.Info
    var configuration: StrataHTTPConfiguration
    /// The application's own schemas, beside Strata's.
    var schemas: OrderedDictionary<OpenAPI.ComponentKey, JSONSchema>

    /// Whether the service checks bearer tokens: only then does the document require them.
    private var checksTokens: Bool { configuration.authSecret != nil }

    func document(routes: [RouteRegistry.Route]) -> OpenAPI.Document {
        var paths = OpenAPI.PathItem.Map()
        for route in routes {
            let path = OpenAPI.Path(rawValue: route.path)
            let method = OpenAPI.HttpMethod(rawValue: route.method.rawValue) ?? .other(route.method.rawValue)
            var item = paths[path]?.pathItemValue ?? OpenAPI.PathItem()
            item.set(operation: operation(for: route), for: method)
            paths[path] = .b(item)
        }
        var allSchemas = APIComponents.schemas
        for (name, schema) in schemas { allSchemas[name] = schema }
        var components = OpenAPI.Components(schemas: allSchemas)
        if checksTokens {
            components.securitySchemes[OpenAPI.ComponentKey(stringLiteral: Self.bearerScheme)] = .b(
                OpenAPI.SecurityScheme.http(
                    scheme: "bearer",
                    bearerFormat: "JWT",
                    description: "An HS256-signed JWT whose `scope` claim lists the scopes it grants, space-separated: "
                        + "`read` (queries, streams, live events), `write` (commands), `admin` (operator actions). "
                        + "Each operation's security requirement names the scope it needs."
                )
            )
        }
        return OpenAPI.Document(
            openAPIVersion: .v3_1_1,
            info: info,
            servers: [],
            paths: paths,
            components: components,
            security: []
        )
    }

    private func operation(for route: RouteRegistry.Route) -> OpenAPI.Operation {
        let documentation = route.documentation
        var problems = documentation?.problems ?? [:]
        problems[500, default: []].append("internal-error")
        problems[503, default: []].append("database-unavailable")
        if documentation?.requestBody != nil {
            problems[400, default: []] += ["malformed-body", "too-deeply-nested"]
            problems[413, default: []].append("body-too-large")
        }
        var security: [OpenAPI.SecurityRequirement]?
        if checksTokens {
            problems[401, default: []].append("unauthorized")
            let scheme = JSONReference<OpenAPI.SecurityScheme>.component(named: Self.bearerScheme)
            if let scope = route.access.scope {
                problems[403, default: []].append("insufficient-scope")
                security = [[scheme: [scope.name]]]
            } else {
                // Open to anyone; a token, when sent, must be valid and may show more.
                security = [[:], [scheme: []]]
            }
        }
        var responses = OpenAPI.Response.Map()
        let answers = documentation?.responses ?? [:]
        for status in Set(answers.keys).union(problems.keys).sorted() {
            switch (answers[status], problems[status]) {
            case (var answer?, let codes?):
                // A route that answers this status with its own body (readiness's 503) can still meet a problem.
                let problem = Self.problemResponse(status: status, codes: codes)
                for (type, content) in problem.content { answer.content[type] = content }
                responses[.status(code: status)] = .b(answer)
            case (let answer?, nil):
                responses[.status(code: status)] = .b(answer)
            case (nil, let codes?):
                responses[.status(code: status)] = .b(Self.problemResponse(status: status, codes: codes))
            case (nil, nil):
                break
            }
        }
        if documentation == nil {
            responses[.default] = .b(OpenAPI.Response(description: "Not documented: the route was registered without a contract."))
        }
        return OpenAPI.Operation(
            tags: documentation.map { $0.tags.isEmpty ? nil : $0.tags } ?? nil,
            summary: documentation?.summary,
            description: documentation?.description,
            operationId: documentation?.operationID,
            parameters: (pathParameters(of: route) + (documentation?.parameters.filter { $0.location != .path } ?? [])).map { .b($0) },
            requestBody: documentation?.requestBody,
            responses: responses,
            security: security
        )
    }

    /// A parameter for each `{name}` in the path: as the documentation declares it, else a non-empty string.
    private func pathParameters(of route: RouteRegistry.Route) -> [OpenAPI.Parameter] {
        Self.parameterNames(in: route.path).map { name in
            route.documentation?.parameters.first { $0.location == .path && $0.name == name }
                ?? .path(name: name, schema: .string(minLength: 1))
        }
    }

    /// The names of the path's `{name}` captures, in order.
    static func parameterNames(in path: String) -> [String] {
        path.split(separator: "/").compactMap { component in
            guard let open = component.firstIndex(of: "{"), let close = component[open...].firstIndex(of: "}") else { return nil }
            return String(component[component.index(after: open)..<close])
        }
    }

    /// HTTPTypes names only the statuses it has constants for, and `Status(code:)` leaves the phrase empty.
    static let reasonPhrases: [Int: String] = Dictionary(
        uniqueKeysWithValues: [
            HTTPResponse.Status.badRequest, .unauthorized, HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"), .forbidden,
            .notFound, .conflict, .gone, .preconditionFailed, .contentTooLarge, .unprocessableContent, .tooManyRequests,
            .internalServerError, .notImplemented, .serviceUnavailable,
        ].map { ($0.code, $0.reasonPhrase) }
    )

    /// A problem answer whose `code` is one of `codes`.
    static func problemResponse(status: Int, codes: [String]) -> OpenAPI.Response {
        var unique: [String] = []
        for code in codes where !unique.contains(code) { unique.append(code) }
        let schema = JSONSchema.all(
            of: [
                APIComponents.schema("Problem"),
                .object(properties: ["code": .string(allowedValues: unique.map { AnyCodable($0) })]),
            ]
        )
        var headers: OpenAPI.Header.Map = [:]
        if status == 503 || status == 429 {
            headers["Retry-After"] = .b(OpenAPI.Header(schema: .integer(minimum: (0, false)), description: "Seconds to wait before trying again."))
        }
        if status == 401 {
            headers["WWW-Authenticate"] = .b(OpenAPI.Header(schema: .string, description: "`Bearer`.", required: true))
        }
        let reason = Self.reasonPhrases[status] ?? "Status \(status)"
        return OpenAPI.Response(
            description: "\(reason): a problem whose code is \(unique.map { "`\($0)`" }.joined(separator: ", ")).",
            headers: headers.isEmpty ? nil : headers,
            content: [OpenAPI.ContentType(rawValue: HTTPProblem.mediaType)!: .b(OpenAPI.Content(schema: schema))]
        )
    }
}
