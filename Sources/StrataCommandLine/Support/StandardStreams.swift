//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// Writes to stdout straight to the file descriptor, unbuffered, so that a pipe sees each line at once.
enum StandardOutput {
    static func write(_ data: Data) throws {
        try FileHandle.standardOutput.write(contentsOf: data)
    }
}

/// Writes diagnostics to stderr; stdout carries only results.
enum StandardError {
    static func writeLine(_ text: String) {
        // Nothing useful is left to do when stderr itself is gone.
        try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8))
    }

    /// Writes `text` as it is, for a progress bar redrawn in place.
    static func write(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }
}
