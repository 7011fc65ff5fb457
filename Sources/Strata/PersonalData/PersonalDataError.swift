//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// An event with personal data could not be stored.
public struct PersonalDataError: Error, Hashable, CustomStringConvertible {
    /// The kind of failure. New codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String

        /// The subject was forgotten: no new personal data of theirs is stored.
        public static let subjectForgotten = Code(name: "subjectForgotten")
        /// The event has no usable subject field, or its data is not a JSON object.
        public static let noSubject = Code(name: "noSubject")

        public var description: String { name }
    }

    /// The kind of failure.
    public var code: Code
    /// The event type.
    public var eventType: String
    /// The subject, when known.
    public var subject: String?

    public init(code: Code, eventType: String, subject: String?) {
        self.code = code
        self.eventType = eventType
        self.subject = subject
    }

    public var description: String {
        switch code {
        case .subjectForgotten: "cannot store personal data in a '\(eventType)' event: subject '\(subject ?? "?")' was forgotten"
        default: "cannot find the data subject of a '\(eventType)' event"
        }
    }
}
