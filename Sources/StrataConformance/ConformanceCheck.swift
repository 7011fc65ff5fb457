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
/// @Test(arguments: ConformanceCheck.all)
/// func conformance(_ check: ConformanceCheck) async throws {
///     try await check.run(on: SQLiteBackend())
/// }
/// ```
public struct ConformanceCheck: Sendable, CustomTestStringConvertible {
    /// What the check shows, in words.
    public let name: String
    let body: @Sendable (any ConformanceBackend) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (any ConformanceBackend) async throws -> Void) {
        self.name = name
        self.body = body
    }

    /// Runs the check against `backend`; failures are recorded as Swift Testing issues.
    public func run(on backend: some ConformanceBackend) async throws {
        try await body(backend)
    }

    public var testDescription: String { name }

    /// Every check, in the order they are listed in the suite's documentation.
    public static let all: [ConformanceCheck] =
        AppendChecks.all + ReadChecks.all + ConcurrencyChecks.all + SubscriptionChecks.all + DurabilityChecks.all + CommandChecks.all
        + LifecycleChecks.all + CommandStorageChecks.all + SnapshotChecks.all + IdempotencyChecks.all
        + ProcessManagerChecks.all + UpcastingChecks.all
        + PersonalDataChecks.all + StreamCatalogChecks.all
}
