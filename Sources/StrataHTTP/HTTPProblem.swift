//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import Strata

/// An error answered as an RFC 9457 `application/problem+json` body.
///
/// ```json
/// {"type":"urn:strata:problem:wrong-amount","title":"Business rule violated","status":422,
///  "detail":"the amount must equal the order total of 2500","code":"wrong-amount"}
/// ```
/// `code` is a stable machine-readable name; extra members such as `position` or `field` carry details.
public struct HTTPProblem: Error, HTTPResponseError, CustomStringConvertible {
    /// The response status.
    public var status: HTTPResponse.Status
    /// A stable name for the kind of problem, such as `wrong-expected-version`; also the end of `type`.
    public var code: String
    /// A short, human-readable summary of the kind of problem.
    public var title: String
    /// What went wrong this time.
    public var detail: String
    /// Extension members, such as `position` or `field`.
    public var members: [String: JSONValue]
    /// Extra response headers, such as `Retry-After` or `WWW-Authenticate`.
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status,
        code: String,
        title: String? = nil,
        detail: String,
        members: [String: JSONValue] = [:],
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.members = members
        self.headers = headers
    }

    /// The media type of problem bodies.
    public static let mediaType = "application/problem+json"

    /// The `type` member: a URN naming the problem's kind.
    public var type: String { "urn:strata:problem:\(code)" }

    public var description: String { "\(status.code) \(code): \(detail)" }

    /// The problem's JSON body.
    public var body: JSONValue {
        var object = members
        object["type"] = .string(type)
        object["title"] = .string(title)
        object["status"] = .int(Int64(status.code))
        object["detail"] = .string(detail)
        object["code"] = .string(code)
        return .object(object)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = headers
        headers[.contentType] = Self.mediaType
        let data = (try? body.encoded()) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
