//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird

/// The request context of a Strata service: Hummingbird's core context plus what authentication granted.
public struct StrataRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The scopes the request's bearer token grants; `nil` when the service runs without authentication, in
    /// which case every scope is granted.
    public var grantedScopes: Set<AccessScope>?
    /// The subject (`sub` claim) of the request's bearer token, when there is one.
    public var subject: String?
    /// Whether the service requires bearer tokens and the request carried none: it reaches only open routes.
    public var isAnonymous = false
    /// When the request's bearer token expires, if it does: an event stream ends then.
    public var tokenExpiry: Date?
    /// The largest request body the service reads; larger ones are answered 413.
    public var maxUploadSize = StrataHTTPConfiguration.defaultMaxBodySize
    /// How deep JSON request bodies may nest arrays and objects; deeper ones are answered 400.
    public var maxJSONDepth = StrataHTTPConfiguration.defaultMaxJSONDepth

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// Whether the request may do what `scope` covers.
    public func isGranted(_ scope: AccessScope) -> Bool {
        guard let grantedScopes else { return true }
        return grantedScopes.contains(scope) || grantedScopes.contains(.admin)
    }
}
