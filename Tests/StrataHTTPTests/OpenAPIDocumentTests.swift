//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import HummingbirdTesting
import OpenAPIKit
import Strata
import StrataHTTP
import Testing
import Yams

@Suite("The OpenAPI document", .timeLimit(.minutes(5)))
struct OpenAPIDocumentTests {
    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]

    /// The shop's document as `GET /openapi.json` answers it, decoded.
    private static func shopDocument(_ shop: ShopClient) async throws -> OpenAPI.Document {
        let reply = try await shop.get("/openapi.json")
        try #require(reply.status == .ok)
        #expect(reply.headers[.contentType] == "application/json")
        return try JSONDecoder().decode(OpenAPI.Document.self, from: Data(reply.text.utf8))
    }

    @Test("every route of the shop service has a contract: a unique operation id, a summary and its answers")
    func everyRouteDocumented() async throws {
        try await ShopHarness(authSecret: AuthenticationTests.secret).run { shop in
            let document = try await Self.shopDocument(shop)
            #expect(document.openAPIVersion == .v3_1_1)
            var operationIDs: [String] = []
            for route in document.routes {
                for endpoint in route.pathItem.endpoints {
                    let name = "\(endpoint.method.rawValue) \(route.path.rawValue)"
                    let operation = endpoint.operation
                    let id = try #require(operation.operationId, "\(name) has no operation id")
                    operationIDs.append(id)
                    #expect(operation.summary?.isEmpty == false, "\(name) has no summary")
                    #expect(operation.responses[.default] == nil, "\(name) was registered without a contract")
                    #expect(operation.responses.keys.contains { $0.isSuccess }, "\(name) documents no successful answer")
                    #expect(operation.responses[status: 500] != nil, "\(name) does not document 500")
                    #expect(operation.responses[status: 401] != nil, "\(name) does not document 401, though the service checks tokens")
                }
            }
            #expect(Set(operationIDs).count == operationIDs.count, "operation ids repeat: \(operationIDs.sorted())")
            #expect(operationIDs.count >= 24)
            let warnings = try document.validate()
            #expect(warnings.isEmpty, "\(warnings)")
        }
    }

    @Test("every documented operation reaches a route, and a path the document does not list reaches none")
    func documentMatchesRouter() async throws {
        try await ShopHarness(authSecret: AuthenticationTests.secret).run { shop in
            let document = try await Self.shopDocument(shop)
            let admin = try await bearer(.expiring(in: 600, scope: "read write admin"))
            // What the router answers when no route matches: the request never reaches a handler.
            let unmatched = try await shop.send(.get, "/not-in-the-document", headers: admin)
            #expect(unmatched.status == .notFound)
            for route in document.routes {
                let path = route.path.rawValue.replacingOccurrences(of: #"\{[^}]+\}"#, with: "x", options: .regularExpression)
                for method in Self.methods {
                    let isDocumented = route.pathItem[OpenAPI.HttpMethod(rawValue: method.rawValue)!] != nil
                    // `/events` streams until the service stops: its route answers with headers first, so a limit of
                    // one event on an empty log would wait; `from=x` is refused before the stream starts.
                    let uri = path == "/events" ? "/events?from=x" : path
                    let reply = try await shop.send(method, uri, headers: admin)
                    let reachedNoRoute = reply.status == unmatched.status && reply.text == unmatched.text
                    if isDocumented {
                        #expect(!reachedNoRoute, "\(method) \(route.path.rawValue) is documented but reaches no route")
                    } else {
                        #expect(
                            reply.status == .notFound || reply.status == .methodNotAllowed, "\(method) \(path) answers \(reply.status) undocumented")
                    }
                }
            }
        }
    }

    @Test("a route registered without a contract is listed all the same, with the scope its access needs")
    func undocumentedRouteListed() async throws {
        let runtime = StrataRuntime.inMemory().runtime
        var configuration = StrataHTTPConfiguration()
        configuration.authSecret = AuthenticationTests.secret
        let document = await StrataRouter.openAPIDocument(runtime: runtime, configuration: configuration) { routes in
            routes.post("/accounts/{id}/deposits", access: .write) { _, _ in HTTPResponse.Status.ok }
            routes.get("/plain") { _, _ in HTTPResponse.Status.ok }
        }
        let deposits = try #require(document.paths["/accounts/{id}/deposits"]?.pathItemValue?.post)
        #expect(deposits.responses[.default] != nil)
        #expect(deposits.security == [[.component(named: "bearerAuth"): ["write"]]])
        #expect(deposits.parameters.compactMap { $0.b?.name } == ["id"])
        let plain = try #require(document.paths["/plain"]?.pathItemValue?.get)
        #expect(plain.security == [[.component(named: "bearerAuth"): ["admin"]]])
    }

    @Test("security follows each route's access when the service checks tokens, and is absent when it does not")
    func securityFollowsAccess() async throws {
        let runtime = StrataRuntime.inMemory().runtime
        var secured = StrataHTTPConfiguration()
        secured.authSecret = AuthenticationTests.secret
        let document = await StrataRouter.openAPIDocument(runtime: runtime, configuration: secured) { _ in }
        let bearer = JSONReference<OpenAPI.SecurityScheme>.component(named: "bearerAuth")
        #expect(document.components.securitySchemes["bearerAuth"] != nil)
        #expect(document.paths["/streams/{id}"]?.pathItemValue?.get?.security == [[bearer: ["read"]]])
        #expect(document.paths["/projections/{name}/rebuild"]?.pathItemValue?.post?.security == [[bearer: ["admin"]]])
        // Open routes take no token, but one sent must be valid (401 otherwise) and may show more.
        let health = try #require(document.paths["/health"]?.pathItemValue?.get)
        #expect(health.security == [[:], [bearer: []]])
        #expect(health.responses[status: 401] != nil)
        #expect(health.responses[status: 403] == nil)

        let open = await StrataRouter.openAPIDocument(runtime: runtime, configuration: StrataHTTPConfiguration()) { _ in }
        #expect(open.components.securitySchemes.isEmpty)
        let stream = try #require(open.paths["/streams/{id}"]?.pathItemValue?.get)
        #expect(stream.security == nil)
        #expect(stream.responses[status: 401] == nil)
    }

    @Test("a problem answer lists the codes its route can give at that status, Strata's shared ones included")
    func problemCodesPerStatus() async throws {
        try await ShopHarness(authSecret: AuthenticationTests.secret).run { shop in
            let reply = try await shop.get("/openapi.json")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(reply.text.utf8)) as? [String: Any])
            func codes(_ path: String, _ method: String, _ status: String) -> [String] {
                let paths = json["paths"] as? [String: Any]
                let operation = (paths?[path] as? [String: Any])?[method] as? [String: Any]
                let response = (operation?["responses"] as? [String: Any])?[status] as? [String: Any]
                let content = (response?["content"] as? [String: Any])?["application/problem+json"] as? [String: Any]
                let parts = (content?["schema"] as? [String: Any])?["allOf"] as? [[String: Any]]
                let code = (parts?.last?["properties"] as? [String: Any])?["code"] as? [String: Any]
                // One allowed value is written as `const`, several as `enum`.
                return code?["enum"] as? [String] ?? (code?["const"] as? String).map { [$0] } ?? []
            }
            #expect(
                Set(codes("/orders/{id}/lines", "post", "422")) == [
                    "idempotency-key-reuse", "order-not-open", "too-many-lines", "quantity-limit", "order-total-limit",
                ])
            #expect(Set(codes("/orders/{id}/lines", "post", "412")) == ["precondition-failed"])
            #expect(Set(codes("/orders/{id}/lines", "post", "413")) == ["body-too-large"])
            #expect(Set(codes("/orders/{id}/payments", "post", "402")) == ["payment-declined"])
            #expect(Set(codes("/orders/{id}", "get", "503")) == ["view-not-built", "stale-read-model", "database-unavailable"])
            #expect(codes("/orders", "post", "412").isEmpty, "placing an order takes no If-Match")
        }
    }

    @Test("the typed client was generated from the document the service serves (else: scripts/generate-client.sh)")
    func clientDocumentCurrent() async throws {
        let committed = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/StrataShopClient/openapi.json")
        let generatedFrom = try JSONValue(parsing: Data(contentsOf: committed))
        try await ShopHarness(authSecret: AuthenticationTests.secret).run { shop in
            let served = try JSONValue(parsing: Data(try await shop.get("/openapi.json").text.utf8))
            #expect(served == generatedFrom, "the routes' contracts changed since the client was generated: run scripts/generate-client.sh")
        }
    }

    /// `value` with every `required` list sorted.
    private static func normalized(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var result: [String: JSONValue] = [:]
            for (key, member) in object {
                if key == "required", case .array(let names) = member {
                    result[key] = .array(names.sorted { "\($0)" < "\($1)" })
                } else {
                    result[key] = normalized(member)
                }
            }
            return .object(result)
        case .array(let items): return .array(items.map(normalized))
        default: return value
        }
    }

    @Test("/openapi.yaml is the same document as /openapi.json")
    func yamlMatchesJSON() async throws {
        try await ShopHarness().run { shop in
            let json = try await Self.shopDocument(shop)
            let reply = try await shop.get("/openapi.yaml")
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == "application/yaml")
            let yaml = try YAMLDecoder().decode(OpenAPI.Document.self, from: reply.text)
            // Compared as JSON trees: a decoded schema lists its required members in the order its text had them.
            let same =
                try Self.normalized(JSONValue(parsing: StrataRouter.json(yaml))) == Self.normalized(JSONValue(parsing: StrataRouter.json(json)))
            #expect(same)
        }
    }
}
