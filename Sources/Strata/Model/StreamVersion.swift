//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// The position of an event inside its stream: the first event of a stream has version 0, the next 1, and so on.
///
/// A stream's *current version* is the version of its last event.
public struct StreamVersion: Hashable, Comparable, Sendable, Codable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The version as a number.
    public var value: UInt64

    /// The version of a stream's first event.
    public static let first = StreamVersion(0)
    /// The highest version; reading a stream backwards from here starts at its last event.
    public static let max = StreamVersion(UInt64(Int64.max))

    public init(_ value: UInt64) { self.value = value }
    public init(integerLiteral value: UInt64) { self.value = value }

    public init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(UInt64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    /// Parses a version as a client or operator writes it: decimal digits, at most ``max``; `nil` otherwise.
    public init?(parsing text: some StringProtocol) {
        guard let value = BoundedInteger.parse(text, maximum: StreamVersion.max.value) else { return nil }
        self.value = value
    }

    /// The version after this one; saturates at `UInt64.max` instead of trapping.
    public var next: StreamVersion { StreamVersion(value == .max ? value : value + 1) }

    public static func < (lhs: StreamVersion, rhs: StreamVersion) -> Bool { lhs.value < rhs.value }

    public var description: String { String(value) }
}
