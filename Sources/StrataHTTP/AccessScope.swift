//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// What a bearer token's `scope` claim may grant.
public struct AccessScope: Hashable, Sendable, CustomStringConvertible {
    public var name: String

    public init(_ name: String) { self.name = name }

    /// Queries, streams and live events.
    public static let read = AccessScope("read")
    /// Commands.
    public static let write = AccessScope("write")
    /// Projection control; grants every other scope too.
    public static let admin = AccessScope("admin")

    public var description: String { name }
}
