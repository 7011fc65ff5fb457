//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Hummingbird
import Metrics

/// Counts requests and times them, by method, route pattern and status: `strata_http_requests_total` and
/// `strata_http_request_duration_seconds`.
///
/// The route pattern (`/orders/{id}`), not the path, labels the figures, so that ids do not explode the
/// number of series. It runs outside ProblemMiddleware, which turns every error into its response, so that a
/// request counts under the status it was answered with (a 404 or 503 problem, not a 500).
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = StrataRequestContext

    let factory: any MetricsFactory

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            record(request, context: context, status: (error as? any HTTPResponseError)?.status.code ?? 500, since: start)
            throw error
        }
        record(request, context: context, status: response.status.code, since: start)
        return response
    }

    private func record(_ request: Request, context: Context, status: Int, since start: ContinuousClock.Instant) {
        let dimensions = [
            ("method", request.method.rawValue),
            ("route", context.endpointPath ?? "unmatched"),
            ("status", String(status)),
        ]
        Counter(label: "strata_http_requests_total", dimensions: dimensions, factory: factory).increment()
        Metrics.Timer(label: "strata_http_request_duration_seconds", dimensions: dimensions, factory: factory)
            .recordNanoseconds(Self.nanoseconds(start.duration(to: .now)))
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
