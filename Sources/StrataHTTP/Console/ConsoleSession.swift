//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import HTTPTypes
import Hummingbird

/// How the operator console carries a person's bearer token: a cookie of the browser session, sent with the
/// console's own requests only.
///
/// A page load cannot carry an `Authorization` header, so the token that the sign-in form takes is kept in a cookie
/// with no expiry (the browser forgets it when its session ends), `HttpOnly` (no script reads it), `SameSite=Strict`
/// and the console's path. The token is checked on every request exactly as a bearer token is: scopes, expiry and
/// the token policy. What changes anything must also come from the console's own pages (see
/// `requireSameOrigin(_:)`).
enum ConsoleSession {
    static let cookieName = "strata_console"
    static let path = "/console"

    /// The longest token the sign-in form takes: what a browser keeps in one cookie, about 4 KB with its name.
    static let maximumTokenLength = 4000

    /// The pages and assets open to anyone, where a stale cookie must not stand in the way of signing in again.
    static let openPaths: Set<String> = ["/console/sign-in", "/console/sign-out", "/console/console.css", "/console/console.js"]

    /// The token of the console's cookie, for a request to the console.
    static func token(of request: Request) -> String? {
        let path = request.uri.path
        guard isConsole(path), !openPaths.contains(path), let value = request.cookies[cookieName]?.value, !value.isEmpty else {
            return nil
        }
        return value
    }

    static func isConsole(_ path: String) -> Bool {
        path == Self.path || path.hasPrefix(Self.path + "/")
    }

    /// Whether `token` has the form of a JSON Web Token (three base64url parts), which is also what a cookie may
    /// hold unquoted.
    static func isTokenShaped(_ token: String) -> Bool {
        guard !token.isEmpty, token.utf8.count <= maximumTokenLength else { return false }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(isBase64URL) }
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    /// The cookie that signs in with `token`.
    static func signIn(_ token: String) -> Cookie {
        Cookie(name: cookieName, value: token, path: path, httpOnly: true, sameSite: .strict)
    }

    /// The cookie that signs out.
    static var signOut: Cookie {
        Cookie(name: cookieName, value: "", maxAge: 0, path: path, httpOnly: true, sameSite: .strict)
    }

    /// Refuses a request that could change something unless it comes from a page of this service.
    ///
    /// The cookie is `SameSite=Strict`, which browsers honour; this is the second lock. A browser says where a request
    /// comes from in `Sec-Fetch-Site` or, failing that, `Origin`; a request that says neither is refused, since
    /// anything that is not a browser can send its token in `Authorization` instead.
    static func requireSameOrigin(_ request: Request) throws {
        guard request.method != .get, request.method != .head else { return }
        if let site = request.headers[.secFetchSite] {
            guard site == "same-origin" else { throw crossSite }
            return
        }
        guard let origin = request.headers[.origin], let host = request.head.authority,
            let originHost = URLComponents(string: origin).map({ components in
                [components.host, components.port.map(String.init)].compactMap { $0 }.joined(separator: ":")
            }),
            originHost.lowercased() == host.lowercased()
        else { throw crossSite }
    }

    private static var crossSite: HTTPProblem {
        HTTPProblem(.forbidden, code: "cross-site", detail: "the console takes changes from its own pages only")
    }
}

extension HTTPField.Name {
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
}
