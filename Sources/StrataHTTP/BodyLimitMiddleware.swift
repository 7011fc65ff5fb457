//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Hummingbird

/// Refuses bodies beyond the limit: at once when `Content-Length` announces one, else while it is read; passes the
/// JSON nesting limit on to the decoding.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = StrataRequestContext

    let maxBodySize: Int
    let maxJSONDepth: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodySize {
            throw ProblemMapping.tooLarge
        }
        var context = context
        context.maxUploadSize = maxBodySize
        context.maxJSONDepth = maxJSONDepth
        return try await next(request, context)
    }
}
