//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// The `metadata` column: free-form metadata keys as a JSON object, or NULL when there are none (the usual
/// case, which then costs nothing to write or read).
enum MetadataColumn {
    static func encode(_ custom: [String: String]) throws -> Data? {
        guard !custom.isEmpty else { return nil }
        return try JSONEncoder().encode(custom)
    }

    static func decode(_ data: Data?) throws -> [String: String] {
        guard let data else { return [:] }
        return try JSONDecoder().decode([String: String].self, from: data)
    }
}
