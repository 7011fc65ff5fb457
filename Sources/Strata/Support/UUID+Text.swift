//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

extension UUID {
    /// The id as Strata writes it wherever a person or a client reads it (event ids, correlation and causation
    /// ids, created ids): the canonical `8-4-4-4-12` form in lower case, as RFC 9562 asks of generated text.
    ///
    /// Foundation's `uuidString` is upper case. Keys that Strata derives from an event's id and has already
    /// stored (process-manager command ids, journal entry ids, parking keys) keep that spelling, so that an event
    /// handled again after an upgrade derives the same key.
    public var lowercasedString: String { uuidString.lowercased() }
}
