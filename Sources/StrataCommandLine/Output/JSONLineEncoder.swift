//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata

/// Serialises values as JSON lines: each one compact JSON value followed by a newline.
///
/// Keys are sorted so that output is stable and diffable; slashes stay unescaped for readability. A command
/// that prints many lines keeps one encoder for all of them: making a JSONEncoder per line costs more than
/// encoding a small value.
struct JSONLineEncoder: Sendable {
    private let encoder = JSONEncoder.strata(.readable)

    /// `value` as one line of JSON, newline included.
    func line(_ value: some Encodable) throws -> Data {
        var data = try encoder.encode(value)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Each of `values` as one line of JSON.
    func lines(_ values: some Sequence<some Encodable>) throws -> Data {
        var data = Data()
        for value in values { data.append(try line(value)) }
        return data
    }
}
