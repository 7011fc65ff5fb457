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
    /// The highest position a store can hold: both backends keep positions in signed 64-bit columns.
    public static let max = GlobalPosition(UInt64(Int64.max))

    public init(_ value: UInt64) { self.value = value }
    public init(integerLiteral value: UInt64) { self.value = value }

    public init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(UInt64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    /// Parses a position as a client or operator writes it: decimal digits, at most ``max``.
    ///
    /// `nil` for anything else (a sign, spaces, an empty string, or a number no store can reach), so that a
    /// position taken from a request is always one the stores and the arithmetic on it can handle.
    public init?(parsing text: some StringProtocol) {
        guard let value = BoundedInteger.parse(text, maximum: GlobalPosition.max.value) else { return nil }
        self.value = value
    }

    /// The position after this one: where to continue reading after an event at this position.
    ///
    /// Saturates at `UInt64.max` instead of trapping: no store holds an event there, so reading from it reads
    /// nothing, which is the right answer for a position past every event.
    public var next: GlobalPosition { GlobalPosition(value == .max ? value : value + 1) }

    public static func < (lhs: GlobalPosition, rhs: GlobalPosition) -> Bool { lhs.value < rhs.value }

    public var description: String { String(value) }
}
