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

    /// The version of this type's data shape, starting at 1. Raise it when the shape changes and register an
    /// upcaster from the previous version with ``EventRegistry``, so that events stored before still decode.
    static var schemaVersion: Int { get }
}

extension DomainEvent {
    /// Version 1: a type that never changed shape.
    public static var schemaVersion: Int { 1 }
}
