//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// Serialises one JSON value as one line of output.
enum JSONLine {
    /// Keys are sorted so that output is stable and diffable; slashes stay unescaped for readability.
    static func encode(_ object: [String: Any]) throws -> Data {
        var data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        data.append(UInt8(ascii: "\n"))
        return data
    }
}
