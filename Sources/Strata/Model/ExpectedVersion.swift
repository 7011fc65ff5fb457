//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// What an append expects of its stream's current version: the optimistic-concurrency check.
///
/// ```swift
/// try await store.append(events, to: stream, expecting: .noStream)       // create, fail if it exists
/// try await store.append(events, to: stream, expecting: .exactly(4))    // fail if anyone wrote since version 4
/// ```
/// A mismatch throws ``WrongExpectedVersion``.
public struct ExpectedVersion: Hashable, Sendable, CustomStringConvertible {
    enum Kind: Hashable, Sendable {
        case any
        case noStream
        case streamExists
        case exactly(StreamVersion)
    }

    let kind: Kind

    /// No check: append whatever the stream's state.
    public static let any = ExpectedVersion(kind: .any)
    /// The stream must not exist yet.
    public static let noStream = ExpectedVersion(kind: .noStream)
    /// The stream must already have at least one event.
    public static let streamExists = ExpectedVersion(kind: .streamExists)
    /// The stream's current version (the version of its last event) must be exactly `version`.
    public static func exactly(_ version: StreamVersion) -> ExpectedVersion { ExpectedVersion(kind: .exactly(version)) }

    /// The exact version expected, for exactly(_:); otherwise `nil`.
    public var exactVersion: StreamVersion? {
        if case .exactly(let version) = kind { return version }
        return nil
    }

    /// Whether a stream whose current version is `actual` (`nil`: no stream) satisfies this expectation.
    public func isSatisfied(by actual: StreamVersion?) -> Bool {
        switch kind {
        case .any: true
        case .noStream: actual == nil
        case .streamExists: actual != nil
        case .exactly(let version): actual == version
        }
    }

    /// `any`, `no-stream`, `stream-exists` or the version number: the form the CLI and HTTP API accept.
    public var description: String {
        switch kind {
        case .any: "any"
        case .noStream: "no-stream"
        case .streamExists: "stream-exists"
        case .exactly(let version): version.description
        }
    }

    /// Parses the form of description; `nil` for anything else.
    public init?(parsing text: String) {
        switch text {
        case "any": self = .any
        case "no-stream": self = .noStream
        case "stream-exists": self = .streamExists
        default:
            guard let version = StreamVersion(parsing: text) else { return nil }
            self = .exactly(version)
        }
    }

    init(kind: Kind) { self.kind = kind }
}
