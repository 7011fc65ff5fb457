//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation

/// A span of time given on the command line or in the environment: `250ms`, `3s`, `30m`, `1h`, `2d`, or a plain
/// number of seconds (`90`, `0.5`), from zero to 100 years.
///
/// Only digits with at most one decimal point and one unit are accepted: no signs, exponents, spaces inside or
/// units combined (`1h30m`), so that a value means one thing to everyone who reads it.
public struct DurationArgument: ExpressibleByArgument, Sendable, Hashable, CustomStringConvertible {
    /// The longest duration accepted: a century stands in for "never" and is far from any overflow.
    public static let maximum: Duration = .seconds(100 * 365 * 86_400)

    /// The duration, to the millisecond.
    public let duration: Duration
    private let text: String

    public init(_ duration: Duration) {
        self.duration = duration
        let milliseconds = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        let seconds = milliseconds / 1_000
        switch (milliseconds % 1_000, seconds) {
        case (0, let seconds) where seconds > 0 && seconds % 3_600 == 0: text = "\(seconds / 3_600)h"
        case (0, let seconds) where seconds > 0 && seconds % 60 == 0: text = "\(seconds / 60)m"
        case (0, let seconds): text = "\(seconds)s"
        default: text = "\(milliseconds)ms"
        }
    }

    /// `nil` for anything that is not a duration in the accepted form and range.
    public init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces)
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3_600), ("d", 86_400)]
        // "ms" before "m" and "s", so that the longest suffix wins.
        let unit = units.first { text.hasSuffix($0.suffix) }
        let number = unit.map { text.dropLast($0.suffix.count) } ?? Substring(text)
        guard Self.isPlainDecimal(number), let value = Double(number) else { return nil }
        let seconds = value * (unit?.seconds ?? 1)
        let maximumSeconds = Double(Self.maximum.components.seconds)
        guard seconds.isFinite, seconds >= 0, seconds <= maximumSeconds else { return nil }
        // At most a century of milliseconds (about 3.2e12): far inside Int64, so the conversion cannot trap.
        duration = .milliseconds(Int64((seconds * 1_000).rounded()))
        self.text = text
    }

    public var description: String { text }

    public static var defaultCompletionKind: CompletionKind { .default }

    /// Digits with at most one decimal point and at least one digit: what `Double` would also read as hex, an
    /// exponent, infinity or NaN is refused first.
    private static func isPlainDecimal(_ text: Substring) -> Bool {
        var digits = 0
        var points = 0
        for character in text.utf8 {
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."): points += 1
            default: return false
            }
        }
        return digits > 0 && points <= 1 && text.utf8.count <= 32
    }
}
