//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// Parses the unsigned decimal numbers that reach Strata from outside: headers, query parameters, paths and
/// command-line arguments.
///
/// Stricter than `UInt64.init(_:)` on purpose: only ASCII digits, no sign and no white space, at most 19
/// digits, and never above the caller's maximum. A number that parses is therefore one the stores can hold
/// and that `+ 1` cannot overflow.
public enum BoundedInteger {
    /// `text` as a number in `0...maximum`; `nil` for anything else.
    public static func parse(_ text: some StringProtocol, maximum: UInt64) -> UInt64? {
        let digits = text.utf8
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            // 19 digits stay below UInt64.max (about 1.8e19), so neither step can overflow.
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value <= maximum ? value : nil
    }
}
