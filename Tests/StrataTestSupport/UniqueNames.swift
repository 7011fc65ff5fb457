//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// A PostgreSQL schema (or table) name no other test uses: `prefix`, an underscore and 20 hex digits.
public func uniqueSchema(_ prefix: String = "t") -> String {
    "\(prefix)_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20))"
}
