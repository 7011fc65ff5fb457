//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// One command sent with an idempotency key: looks up and records its outcome.
struct IdempotentCommand: Sendable {
    /// The stored form of an outcome, inside ``CommandOutcomeRecord/outcome``.
    struct Outcome: Codable, Sendable {
        enum Kind: String, Codable, Sendable { case appended, unchanged, rejected }
        var kind: Kind
        /// For `appended`: the version of the first event appended, and how many.
        var firstVersion: UInt64?
        var count: Int?
        /// For `rejected`: the ``DomainError``.
        var message: String?
        var code: String?
    }

    let key: String
    let fingerprint: String
    /// The plain SHA-256 fingerprint, also accepted: outcomes recorded before fingerprints were keyed carry it,
    /// and a retry of such a command must still replay rather than be taken for a reused key.
    let unkeyedFingerprint: String
    let outcomes: any CommandOutcomeStore
    let retention: Duration

    private var cutoff: Date {
        Date(timeIntervalSinceNow: -retention.timeInterval)
    }

    /// The unexpired outcome under the key, checked against this command.
    func recordedOutcome(on stream: StreamID) async throws -> CommandOutcomeRecord? {
        guard let record = try await outcomes.commandOutcome(forKey: key, recordedSince: cutoff) else { return nil }
        return try checked(record, on: stream)
    }

    func recordAppend(_ append: PendingAppend, firstVersion: StreamVersion) async throws -> CommandOutcomeRecording {
        let outcome = Outcome(kind: .appended, firstVersion: firstVersion.value, count: append.events.count)
        let recording = try await outcomes.recordCommandOutcome(
            try record(outcome, on: append.stream, version: nil, position: .start),
            appending: append,
            replacingOutcomesBefore: cutoff
        )
        if case .alreadyRecorded(let original) = recording { _ = try checked(original, on: append.stream) }
        return recording
    }

    /// Records that the command was rejected; when another command with the key got there first, replays its
    /// outcome instead (which throws when that was a rejection too).
    func recordRejection<Event>(
        _ rejection: DomainError,
        on stream: StreamID,
        loaded: AggregateState<some Sendable>,
        replay: (CommandOutcomeRecord) async throws -> CommandResult<Event>
    ) async throws {
        let outcome = Outcome(kind: .rejected, message: rejection.message, code: rejection.code)
        let recording = try await outcomes.recordCommandOutcome(
            try record(outcome, on: stream, version: loaded.version, position: loaded.position),
            appending: nil,
            replacingOutcomesBefore: cutoff
        )
        if case .alreadyRecorded(let original) = recording {
            _ = try await replay(try checked(original, on: stream))
        }
    }

    func recordNoChange<Event>(
        _ result: CommandResult<Event>,
        on stream: StreamID,
        replay: (CommandOutcomeRecord) async throws -> CommandResult<Event>
    ) async throws -> CommandResult<Event> {
        let recording = try await outcomes.recordCommandOutcome(
            try record(Outcome(kind: .unchanged), on: stream, version: result.streamVersion, position: result.position),
            appending: nil,
            replacingOutcomesBefore: cutoff
        )
        switch recording {
        case .recorded: return result
        case .alreadyRecorded(let original): return try await replay(try checked(original, on: stream))
        }
    }

    private func record(_ outcome: Outcome, on stream: StreamID, version: StreamVersion?, position: GlobalPosition) throws -> CommandOutcomeRecord {
        CommandOutcomeRecord(
            key: key,
            fingerprint: fingerprint,
            stream: stream,
            outcome: try JSONEncoder().encode(outcome),
            streamVersion: version,
            position: position,
            recordedAt: Date()
        )
    }

    private func checked(_ record: CommandOutcomeRecord, on stream: StreamID) throws -> CommandOutcomeRecord {
        guard record.fingerprint == fingerprint || record.fingerprint == unkeyedFingerprint else {
            throw IdempotencyKeyReuse(key: key, originalStream: record.stream)
        }
        return record
    }
}

extension CommandHandler {
    /// The result of the command that recorded `record`: its ``DomainError`` rethrown, or its result rebuilt.
    func replay(_ record: CommandOutcomeRecord) async throws -> CommandResult<D.Event> {
        let outcome: IdempotentCommand.Outcome
        do {
            outcome = try JSONDecoder().decode(IdempotentCommand.Outcome.self, from: record.outcome)
        } catch {
            throw EventStoreError(.corruptEvent, "the outcome stored under idempotency key '\(record.key)' does not decode", underlying: error)
        }
        logger.debug("replaying the stored outcome of an idempotent command", metadata: ["strata.key": "\(record.key)"])
        switch outcome.kind {
        case .rejected:
            throw DomainError(outcome.message ?? "the command was rejected", code: outcome.code)
        case .unchanged:
            return CommandResult(events: [], streamVersion: record.streamVersion, position: record.position, attempts: 0, isReplay: true)
        case .appended:
            var events: [D.Event] = []
            if let first = outcome.firstVersion, let count = outcome.count {
                let recorded = try await store.readStream(record.stream, from: StreamVersion(first), direction: .forwards, limit: count)
                events = try decider.codec.decode(recorded, unknownTypes: .skip)
            }
            return CommandResult(events: events, streamVersion: record.streamVersion, position: record.position, attempts: 0, isReplay: true)
        }
    }
}
