//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataHTTP

extension EventJSON {
    /// The event as one line of JSON, newline included. Printing many events, keep one `JSONLineEncoder`
    /// instead.
    static func line(for event: RecordedEvent) throws -> Data {
        try JSONLineEncoder().line(EventJSON(event))
    }
}
