//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Hummingbird
import Synchronization

/// The routes registered through ``StrataRoutes``, so that authentication can tell a route that checks its own
/// access from one added to the router directly, which does not, and hold the latter to `admin`.
final class RouteRegistry: Sendable {
    private let routes = Mutex(Set<String>())

    func add(_ path: RouterPath, method: HTTPRequest.Method) {
        _ = routes.withLock { $0.insert(Self.key(path.description, method)) }
    }

    /// Whether the route the router matched, named by its pattern, was registered through ``StrataRoutes``.
    func contains(_ endpointPath: String, method: HTTPRequest.Method) -> Bool {
        routes.withLock { $0.contains(Self.key(endpointPath, method)) }
    }

    private static func key(_ path: String, _ method: HTTPRequest.Method) -> String { "\(method.rawValue) \(path)" }
}
