//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Testing

/// One behaviour every event store must show, runnable against any backend.
///
/// A backend's tests run the whole suite as one parameterised test:
/// ```swift
/// @Test(arguments: EventStoreConformanceCheck.all)
/// func conformance(_ check: EventStoreConformanceCheck) async throws {
///     try await check.run(on: SQLiteBackend())
/// }
/// ```
public struct EventStoreConformanceCheck: Sendable, CustomTestStringConvertible {
    /// What the check shows, in words.
    public let name: String
    /// Whether the check reopens a store to show that what was written outlives the process, which proves
    /// nothing for a store that lives in memory (ConformanceBackend/isDurable is `false`).
    public let requiresDurableStore: Bool
    let body: @Sendable (any ConformanceBackend) async throws -> Void

    init(_ name: String, requiresDurableStore: Bool = false, _ body: @escaping @Sendable (any ConformanceBackend) async throws -> Void) {
        self.name = name
        self.requiresDurableStore = requiresDurableStore
        self.body = body
    }

    /// Runs the check against `backend`; failures are recorded as Swift Testing issues.
    ///
    /// A check that requires a durable store, run against a backend that is not, cancels the test case
    /// ("does not apply") instead of passing it: use ``applicable(to:)`` to leave such checks out.
    public func run(on backend: some ConformanceBackend) async throws {
        if requiresDurableStore && !backend.isDurable {
            try Test.cancel("does not apply: '\(name)' needs a store that outlives the process, and this backend's does not")
        }
        try await body(backend)
    }

    /// The checks that apply to `backend`: all of them, less those that need a durable store when it is not.
    public static func applicable(to backend: some ConformanceBackend) -> [EventStoreConformanceCheck] {
        all.filter { backend.isDurable || !$0.requiresDurableStore }
    }

    public var testDescription: String { name }

    /// Every check, in the order they are listed in the suite's documentation.
    public static let all: [EventStoreConformanceCheck] =
        AppendChecks.all + ReadChecks.all + ConcurrencyChecks.all + SubscriptionChecks.all + DurabilityChecks.all + CommandChecks.all
        + LifecycleChecks.all + CommandStorageChecks.all + SnapshotChecks.all + IdempotencyChecks.all
        + ProcessManagerChecks.all + UpcastingChecks.all
        + PersonalDataChecks.all + StreamCatalogChecks.all + IntegrityChecks.all
}
