//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// A command broke a business rule; its message is meant for the user who sent the command.
///
/// ```swift
/// guard amount > 0 else { throw DomainError("a deposit must be positive", code: "non-positive-amount") }
/// ```
/// The HTTP layer answers it with 422 Unprocessable Content.
public struct DomainError: Error, Hashable, CustomStringConvertible {
    /// What went wrong, for the user.
    public var message: String
    /// A stable, machine-readable name for the rule, if any.
    public var code: String?

    public init(_ message: String, code: String? = nil) {
        self.message = message
        self.code = code
    }

    public var description: String { message }
}
