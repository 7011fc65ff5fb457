//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Testing

/// One behaviour every read store (with the projection runner on top) must show, runnable against any backend.
///
/// ```swift
/// @Test(arguments: ReadStoreConformanceCheck.all)
/// func readStoreConformance(_ check: ReadStoreConformanceCheck) async throws {
///     try await check.run(on: SQLiteReadStoreBackend())
/// }
/// ```
/// Checks that need raw SQL are in sqlChecks, for backends that have it.
public struct ReadStoreConformanceCheck: Sendable, CustomTestStringConvertible {
    /// What the check shows, in words.
    public let name: String
    let body: @Sendable (any ReadStoreConformanceBackend) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (any ReadStoreConformanceBackend) async throws -> Void) {
        self.name = name
        self.body = body
    }

    /// Runs the check against `backend`; failures are recorded as Swift Testing issues.
    public func run(on backend: some ReadStoreConformanceBackend) async throws {
        try await body(backend)
    }

    public var testDescription: String { name }

    /// Every check that any read store must pass.
    public static let all: [ReadStoreConformanceCheck] =
        TransactionChecks.all + DocumentChecks.all + ExactlyOnceChecks.all + RebuildChecks.all + ParkingChecks.all
        + ReadYourWritesChecks.all + RunnerChecks.all + LeaseChecks.all

    /// The checks for read stores with raw SQL (ReadStoreReader/sql not `nil`).
    public static let sqlChecks: [ReadStoreConformanceCheck] = SQLReadModelChecks.all
}
