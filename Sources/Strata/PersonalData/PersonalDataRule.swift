//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// Which fields of an event type hold personal data, and whose.
///
/// ```swift
/// PersonalDataRule(CustomerRegistered.self, fields: ["name", "email"])                     // subject: the stream
/// PersonalDataRule(OrderShipped.self, fields: ["address"], subject: .field("customerId", prefix: "customer-"))
/// ```
/// Fields are top-level members of the event's JSON. Keep a rule for as long as events it covers exist.
public struct PersonalDataRule: Hashable, Sendable {
    /// Where the data subject of an event comes from.
    public struct Subject: Hashable, Sendable {
        enum Source: Hashable, Sendable {
            case stream
            case field(String, prefix: String)
        }

        let source: Source

        /// The event's stream id, such as `customer-42`: the usual case, where a stream is about one person.
        public static let stream = Subject(source: .stream)

        /// A field of the event (a string or an integer), with `prefix` put before it.
        public static func field(_ name: String, prefix: String = "") -> Subject { Subject(source: .field(name, prefix: prefix)) }
    }

    /// The stored event type.
    public var eventType: String
    /// The top-level fields to encrypt.
    public var fields: Set<String>
    /// Whose data they are.
    public var subject: Subject

    public init(eventType: String, fields: Set<String>, subject: Subject = .stream) {
        self.eventType = eventType
        self.fields = fields
        self.subject = subject
    }

    public init<E: DomainEvent>(_ type: E.Type, fields: Set<String>, subject: Subject = .stream) {
        self.init(eventType: E.eventType, fields: fields, subject: subject)
    }
}
