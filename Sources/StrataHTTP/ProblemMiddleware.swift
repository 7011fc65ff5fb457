//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Hummingbird
import Logging

/// Answers every failure as `application/problem+json`, so that clients handle one error shape.
///
/// Unexpected errors become a 500 problem without internals; the log keeps the error with the request id (at
/// debug level for 4xx, whose problem may say less than the error did, and at notice level for the 503s of a
/// read model behind a client's token, of a view not built yet or of too many event streams, which are answers to
/// load or start-up, not failures).
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = StrataRequestContext

    let mapping: ProblemMapping

    /// The 503s that answer what a client asked for under load, rather than report a failure of the service.
    static let answersLoad: Set<String> = ["stale-read-model", "view-not-built", "too-many-event-streams"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = mapping.problem(for: error, request: request)
            if Self.answersLoad.contains(problem.code) {
                // The service works as designed: a view behind the position the client asked for, or no room for
                // another event stream. The client retries after Retry-After; an operator sees it in the metrics.
                context.logger.notice(
                    "request deferred",
                    metadata: ["problem": "\(problem.code)", "http.status": "\(problem.status.code)", "http.path": "\(request.uri.path)"]
                )
            } else if problem.status.code >= 500 {
                context.logger.error(
                    "request failed",
                    metadata: ["error": "\(String(reflecting: error))", "http.status": "\(problem.status.code)", "http.path": "\(request.uri.path)"]
                )
            } else {
                context.logger.debug("request rejected", metadata: ["problem": "\(problem)", "error": "\(String(reflecting: error))"])
            }
            if ConsoleSession.isConsole(request.uri.path) {
                // People read the console's answers: a page, with the way to sign in when that is what is missing.
                // This middleware runs outside the token check, so it never knows who signed in: the page offers no
                // signing out.
                return try ConsolePage.problem(problem, session: .unknown).response(from: request, context: context)
            }
            return try problem.response(from: request, context: context)
        }
    }
}
