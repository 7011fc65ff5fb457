//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Hummingbird
import Metrics
import Synchronization

/// Counts requests and times them, by method, route pattern and status: `strata_http_requests_total` and
/// `strata_http_request_duration_seconds`.
///
/// The route pattern (`/orders/{id}`), not the path, labels the figures, so that ids do not explode the
/// number of series. It runs outside ProblemMiddleware, which turns every error into its response, so that a
/// request counts under the status it was answered with (a 404 or 503 problem, not a 500).
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = StrataRequestContext

    let factory: any MetricsFactory
    private let instruments = HTTPInstruments()

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

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
        let key = HTTPInstruments.Key(method: Self.label(request.method), route: context.endpointPath ?? "unmatched", status: status)
        let (counter, timer) = instruments.pair(for: key, factory: factory)
        counter.increment()
        timer.recordNanoseconds(Self.nanoseconds(start.duration(to: .now)))
    }

    /// A client may send any method token; labelling by it would let a client add series without end.
    private static func label(_ method: HTTPRequest.Method) -> String {
        switch method {
        case .get, .head, .post, .put, .patch, .delete, .options: method.rawValue
        default: "other"
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// The counter and timer of each method, route and status, made once: making them asks the factory's registry
/// every time, which would otherwise cost every request a registry lookup under its lock.
final class HTTPInstruments: Sendable {
    struct Key: Hashable, Sendable {
        var method: String
        var route: String
        var status: Int
    }

    // Routes are the router's declared paths and statuses a small set, so the table stays small.
    private let pairs = Mutex<[Key: (Counter, Metrics.Timer)]>([:])

    func pair(for key: Key, factory: any MetricsFactory) -> (Counter, Metrics.Timer) {
        if let pair = pairs.withLock({ $0[key] }) { return pair }
        let dimensions = [("method", key.method), ("route", key.route), ("status", String(key.status))]
        let pair = (
            Counter(label: "strata_http_requests_total", dimensions: dimensions, factory: factory),
            Metrics.Timer(label: "strata_http_request_duration_seconds", dimensions: dimensions, factory: factory)
        )
        return pairs.withLock { pairs in
            if let existing = pairs[key] { return existing }
            pairs[key] = pair
            return pair
        }
    }
}
