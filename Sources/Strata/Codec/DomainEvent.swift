//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// An event type of a domain: `Codable` data with a stable type name.
///
/// ```swift
/// struct Deposited: DomainEvent {
///     static let eventType = "AccountDeposited"
///     var amount: Int
/// }
/// ```
public protocol DomainEvent: Codable, Sendable {
    /// The name stored with every event of this type. Keep it stable: stored events are found by it, so
    /// renaming the Swift type must not change it.
    static var eventType: String { get }
}
