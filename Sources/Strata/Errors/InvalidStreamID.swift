//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// A stream id was rejected: empty, too long, or containing whitespace or control characters.
public struct InvalidStreamID: Error, Hashable, CustomStringConvertible {
    /// The rejected text.
    public var value: String
    /// Why it was rejected, readable by a user.
    public var reason: String

    public init(value: String, reason: String) {
        self.value = value
        self.reason = reason
    }

    public var description: String { "invalid stream id '\(value)': \(reason)" }
}
