//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

/// How `strata` ends: the statuses scripts may branch on.
struct ExitStatus: Hashable, Sendable {
    let rawValue: Int32

    static let success = ExitStatus(rawValue: 0)
    /// Bad input, or any failure other than a conflict.
    static let failure = ExitStatus(rawValue: 1)
    /// An append's expected version did not match: retrying after a re-read may succeed.
    static let conflict = ExitStatus(rawValue: 2)
}

/// A failure reported to the user: a one-line message for stderr and the status to exit with.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var status: ExitStatus

    init(_ message: String, status: ExitStatus = .failure) {
        // One line, so that scripts can read stderr line by line.
        self.message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        self.status = status
    }

    /// Classifies any error thrown by a command.
    init(_ error: any Error) {
        switch error {
        case let error as CLIError: self = error
        case let error as WrongExpectedVersion: self.init(error.description, status: .conflict)
        case let error as InvalidStreamID: self.init(error.description)
        case let error as EventStoreError: self.init(error.description)
        default: self.init(String(describing: error))
        }
    }

    /// Input the user can fix.
    static func badInput(_ message: String) -> CLIError { CLIError(message) }

    var description: String { message }
}
