//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import OpenAPIKit
import Strata
import Synchronization
import Yams

/// `GET /openapi.json` and `GET /openapi.yaml`: the service's contract, made from the routes it has.
///
/// Both texts are made on the first request and kept: the routes are all registered by then, and an open route
/// that rendered the whole document on every request would hand anyone a cheap way to load the service.
struct OpenAPIRoutes: Sendable {
    let registry: RouteRegistry
    let builder: APIDocumentBuilder
    private let rendered = RenderedDocument()

    init(registry: RouteRegistry, builder: APIDocumentBuilder) {
        self.registry = registry
        self.builder = builder
    }

    func add(to routes: StrataRoutes) {
        routes.get("/openapi.json", access: .open, documentation: Self.documentation("getOpenAPIJSON", "application/json")) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: try texts().json))
        }
        routes.get("/openapi.yaml", access: .open, documentation: Self.documentation("getOpenAPIYAML", "application/yaml")) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: ResponseBody(byteBuffer: try texts().yaml))
        }
    }

    /// The document as JSON and as YAML, made once.
    private func texts() throws -> (json: ByteBuffer, yaml: ByteBuffer) {
        try rendered.texts.withLock { texts in
            if let texts { return texts }
            let document = document
            let made = (json: ByteBuffer(bytes: try Self.json(document)), yaml: ByteBuffer(string: try Self.yaml(document)))
            texts = made
            return made
        }
    }

    private final class RenderedDocument: Sendable {
        let texts = Mutex<(json: ByteBuffer, yaml: ByteBuffer)?>(nil)
    }

    /// The document as it stands: every route registered so far.
    var document: OpenAPI.Document { builder.document(routes: registry.routes.filter(\.isAPI)) }

    /// The document as indented JSON with sorted keys, so that the same routes always give the same text.
    static func json(_ document: OpenAPI.Document) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(document)
    }

    /// The document as YAML: the JSON text's tree, with every string that YAML would read as something else
    /// (`200`, `true`, `null`, `1e3`) quoted, so that status codes stay strings as OpenAPI requires and any YAML
    /// reader gets the same document as from the JSON.
    static func yaml(_ document: OpenAPI.Document) throws -> String {
        try Yams.serialize(node: node(try JSONValue(parsing: try json(document))), width: -1, allowUnicode: true)
    }

    private static func node(_ value: JSONValue) -> Node {
        switch value {
        case .object(let object): .mapping(Node.Mapping(object.keys.sorted().map { (scalar($0), node(object[$0]!)) }))
        case .array(let array): .sequence(Node.Sequence(array.map(node)))
        case .string(let string): scalar(string)
        case .bool(let bool): .scalar(Node.Scalar(bool ? "true" : "false"))
        case .int(let int): .scalar(Node.Scalar(String(int)))
        case .double(let double): .scalar(Node.Scalar("\(double)"))
        case .decimal(let decimal): .scalar(Node.Scalar("\(decimal)"))
        case .null: .scalar(Node.Scalar("null"))
        }
    }

    /// A string as a YAML scalar that reads back as that string.
    private static func scalar(_ string: String) -> Node {
        let resolved = Resolver.default.resolveTag(of: Node.scalar(Node.Scalar(string)))
        return .scalar(Node.Scalar(string, .implicit, resolved == .str ? .any : .singleQuoted))
    }

    private static func documentation(_ operationID: String, _ mediaType: String) -> RouteDocumentation {
        RouteDocumentation(
            operationID,
            summary: "This document (OpenAPI 3.1), as \(mediaType == "application/json" ? "JSON" : "YAML")",
            tags: ["service"],
            responses: [
                200: OpenAPI.Response(
                    description: "The document.",
                    content: [OpenAPI.ContentType(rawValue: mediaType)!: .b(OpenAPI.Content(schema: JSONSchema.object))]
                )
            ]
        )
    }
}
