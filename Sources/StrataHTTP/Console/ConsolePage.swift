//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import HTTPTypes
import Hummingbird

/// A rendered console page, or one of its assets, as a response.
struct ConsolePage: ResponseGenerator {
    var status: HTTPResponse.Status = .ok
    var contentType: String
    var body: String
    var extraHeaders = HTTPFields()

    /// The page `template` renders for `view`.
    static func render(_ template: String, _ view: Any, status: HTTPResponse.Status = .ok) -> ConsolePage {
        guard let html = ConsoleTemplates.library.render(view, withTemplate: template) else {
            // Only a template that did not parse: the console's tests render every page.
            return ConsolePage(
                status: .internalServerError, contentType: "text/html; charset=utf-8",
                body: "<!DOCTYPE html><title>Strata</title><p>This page is missing.")
        }
        return ConsolePage(status: status, contentType: "text/html; charset=utf-8", body: html)
    }

    /// A page that tells of a problem: a refused token, a missing stream, a failed action.
    static func problem(_ problem: HTTPProblem, session: ConsoleSessionView) -> ConsolePage {
        let view = MessageView(
            session: session,
            heading: problem.status.code == 401 ? "Sign in" : problem.title,
            detail: problem.detail,
            signInLink: problem.status.code == 401 || problem.status.code == 403
        )
        var page = render("message", view, status: problem.status)
        // A 401 tells the browser how to authenticate, as the API's do.
        for field in problem.headers { page.extraHeaders.append(field) }
        return page
    }

    /// A redirect after a form was handled, so that reloading the page does not send the form again.
    static func seeOther(_ location: String) -> ConsolePage {
        var page = ConsolePage(status: .seeOther, contentType: "text/plain; charset=utf-8", body: "")
        page.extraHeaders[.location] = location
        return page
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = extraHeaders
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.consoleReferrerPolicy] = "same-origin"
        // A second lock behind escaping: nothing runs but the console's own script, and no other site frames it.
        headers[.contentSecurityPolicy] =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

/// What every page knows about the person's session.
struct ConsoleSessionView: Sendable {
    /// Whether the service asks for tokens at all.
    var tokensRequired: Bool
    /// Whether a token came with the request (in the console's cookie or a header).
    var signedIn: Bool
    /// Whether the token grants `admin`, which the console's actions need.
    var isAdmin: Bool

    /// For a page that does not know the visitor.
    static let unknown = ConsoleSessionView(tokensRequired: false, signedIn: false, isAdmin: false)

    init(tokensRequired: Bool, signedIn: Bool, isAdmin: Bool) {
        self.tokensRequired = tokensRequired
        self.signedIn = signedIn
        self.isAdmin = isAdmin
    }

    init(_ context: StrataRequestContext, tokensRequired: Bool) {
        self.tokensRequired = tokensRequired
        self.signedIn = tokensRequired && context.grantedScopes != nil && !context.isAnonymous
        self.isAdmin = context.isGranted(.admin)
    }
}

struct MessageView {
    var session: ConsoleSessionView
    var heading: String
    var detail: String
    var signInLink: Bool
}

extension HTTPField.Name {
    static let consoleReferrerPolicy = HTTPField.Name("Referrer-Policy")!
}
