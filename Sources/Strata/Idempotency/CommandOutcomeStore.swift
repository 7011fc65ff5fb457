//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// Where the outcomes of commands sent with idempotency keys are kept, in the event store's database.
///
/// Every event-store backend is also a ``CommandOutcomeStore``. Outcomes recorded before a caller's cutoff count
/// as expired: lookups skip them, and recording under their key replaces them.
public protocol CommandOutcomeStore: Sendable {
    /// The outcome recorded under `key` at or after `cutoff`, or `nil`.
    func commandOutcome(forKey key: String, recordedSince cutoff: Date) async throws -> CommandOutcomeRecord?

    /// Records a command's outcome, and appends its events, in one transaction.
    ///
    /// When an outcome recorded at or after `cutoff` already exists under the key, nothing is written and
    /// that outcome is returned. Otherwise `append` (when given) is appended as by
    /// ``EventStore/append(_:to:expecting:)``, the record takes its version and position, and the record replaces
    /// any expired one under the key.
    ///
    /// - Throws: Whatever the append throws (``WrongExpectedVersion``, a deleted stream, …); nothing is written then.
    func recordCommandOutcome(
        _ record: CommandOutcomeRecord,
        appending append: PendingAppend?,
        replacingOutcomesBefore cutoff: Date
    ) async throws -> CommandOutcomeRecording

    /// Deletes the outcomes recorded before `cutoff`; returns how many.
    @discardableResult
    func purgeCommandOutcomes(recordedBefore cutoff: Date) async throws -> Int
}
