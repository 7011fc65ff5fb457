//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// A command's input is malformed: a field is missing, out of range or badly formed (HTTP 400). Business rules
/// that well-formed input breaks are DomainError instead (HTTP 422).
public struct InvalidField: Error, Hashable, CustomStringConvertible {
    /// The field, as the API names it, such as `email`.
    public var field: String
    /// What is wrong with it.
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
