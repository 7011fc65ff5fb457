//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// Measures how deep a JSON text nests arrays and objects, before any decoder sees it.
enum JSONNesting {
    /// Whether `bytes` open more than `limit` arrays or objects at once. Brackets inside strings (escapes
    /// included) do not count. The scan stops at the first bracket beyond the limit and allocates nothing, so a
    /// hostile body costs one pass at most; text that is not JSON is left to the decoder to refuse.
    static func depth<Bytes: Sequence<UInt8>>(of bytes: Bytes, exceeds limit: Int) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default:
                break
            }
        }
        return false
    }
}
