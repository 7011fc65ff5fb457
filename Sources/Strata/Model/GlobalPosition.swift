//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// The place of an event in the whole log, across all streams.
///
/// Positions totally order the log: a reader of the log sees events in ascending position, and a later commit
/// never receives a lower position than an event a reader has already seen. The first event gets position 1;
/// `GlobalPosition.start` (0) stands before it. The position of the last event an append or command wrote is
/// a *consistency token*: a query can wait until a projection has passed it (read-your-writes).
public struct GlobalPosition: Hashable, Comparable, Sendable, Codable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The position as a number.
    public var value: UInt64

    /// Before the first event; reading from here reads the whole log.
    public static let start = GlobalPosition(0)

    public init(_ value: UInt64) { self.value = value }
    public init(integerLiteral value: UInt64) { self.value = value }

    public init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(UInt64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    /// The position after this one: where to continue reading after an event at this position.
    public var next: GlobalPosition { GlobalPosition(value + 1) }

    public static func < (lhs: GlobalPosition, rhs: GlobalPosition) -> Bool { lhs.value < rhs.value }

    public var description: String { String(value) }
}
