//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// An append's ``ExpectedVersion`` did not match the stream: someone else wrote to it first.
///
/// Command handlers catch this to reload and retry; callers of a conditional command report it as a conflict.
public struct WrongExpectedVersion: Error, Hashable, CustomStringConvertible {
    /// The stream appended to.
    public var stream: StreamID
    /// What the append expected.
    public var expected: ExpectedVersion
    /// The stream's current version when the append was checked; `nil` when the stream did not exist.
    public var actual: StreamVersion?

    public init(stream: StreamID, expected: ExpectedVersion, actual: StreamVersion?) {
        self.stream = stream
        self.expected = expected
        self.actual = actual
    }

    public var description: String {
        "wrong expected version for stream '\(stream)': expected \(expected), actual \(actual.map(\.description) ?? "no-stream")"
    }
}
