//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Crypto
import Foundation

/// An event store that encrypts personal data with a key per data subject, so that forgetting the subject
/// (crypto-shredding) makes that data unreadable everywhere while the log stays intact.
///
/// ```swift
/// let store = ProtectedEventStore(try SQLiteEventStore(path: path), rules: [
///     PersonalDataRule(CustomerRegistered.self, fields: ["name", "email"]),
/// ])
/// // Use `store` for everything: command handlers, projections, subscriptions, the HTTP API.
/// try await store.forget("customer-42")
/// ```
///
/// - Appending encrypts the rule's fields of each matching event with AES-GCM under the subject's key
///   (created on first use in the ``SubjectKeyStore``, by default a table of the event store) and names the
///   subject in the event's metadata (`strata.subject`). The rest of the event stays plain.
/// - Every read (streams, the global log, subscriptions) decrypts them again, so aggregates, projections and
///   the API see plain events.
/// - forget(_:) deletes the subject's key for good. From then on the fields read as their redacted value,
///   `"[redacted]"` for strings and `null` otherwise, and reading never throws; the events' order, versions
///   and other fields do not change. Appending new personal data of a forgotten subject throws
///   ``PersonalDataError``. Rebuild projections (``ProjectionRunner/rebuild(_:from:)``) to drop the data from read models.
public final class ProtectedEventStore<Base: EventStore>: EventStore {
    /// The store underneath, which holds the encrypted events.
    public let base: Base
    /// Where the subjects' keys are.
    public let keys: any SubjectKeyStore
    /// The rules, by event type.
    public let rules: [String: PersonalDataRule]
    /// Keyed digests under the secret `keys` keeps, shared by everyone using this store.
    public let digester: PersonalDataDigester

    /// Protects `base`, keeping keys in `keys`.
    public init(_ base: Base, keys: any SubjectKeyStore, rules: [PersonalDataRule]) {
        self.base = base
        self.keys = keys
        self.digester = PersonalDataDigester(keys: keys)
        self.rules = Dictionary(rules.map { ($0.eventType, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Forgets a data subject: deletes its key, and the snapshots of the stream it names (snapshots hold
    /// decrypted state). Returns whether the subject had a key.
    @discardableResult
    public func forget(_ subject: String) async throws -> Bool {
        let hadKey = try await keys.forgetSubject(subject)
        if let snapshots = base as? any SnapshotStore, let stream = try? StreamID(subject) {
            try await snapshots.deleteSnapshots(of: stream)
        }
        return hadKey
    }

    public func append(_ events: [NewEvent], to stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        try await base.append(try await protect(events, in: stream), to: stream, expecting: expected)
    }

    public func readStream(_ stream: StreamID, from version: StreamVersion, direction: ReadDirection, limit: Int) async throws
        -> [RecordedEvent]
    {
        try await reveal(try await base.readStream(stream, from: version, direction: direction, limit: limit))
    }

    public func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [RecordedEvent] {
        try await reveal(try await base.readAll(from: position, limit: limit, filter: filter))
    }

    public func currentVersion(of stream: StreamID) async throws -> StreamVersion? {
        try await base.currentVersion(of: stream)
    }

    public func headPosition() async throws -> GlobalPosition {
        try await base.headPosition()
    }

    public func subscribeToAll(from position: GlobalPosition, filter: EventFilter) -> EventSubscription {
        base.subscribeToAll(from: position, filter: filter).transformingPages { [self] page in try await reveal(page) }
    }

    @discardableResult
    public func deleteStream(_ stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        try await base.deleteStream(stream, expecting: expected)
    }

    public func truncateStream(_ stream: StreamID, before version: StreamVersion) async throws {
        try await base.truncateStream(stream, before: version)
    }

    /// `events` with their personal fields encrypted.
    func protect(_ events: [NewEvent], in stream: StreamID) async throws -> [NewEvent] {
        var plans: [(index: Int, rule: PersonalDataRule, object: JSONValue, subject: String)] = []
        for (index, event) in events.enumerated() {
            guard let rule = rules[event.type] else { continue }
            let object = try JSONValue(parsing: event.data)
            guard case .object = object, let subject = subject(of: object, rule: rule, in: stream) else {
                throw PersonalDataError(code: .noSubject, eventType: event.type, subject: nil)
            }
            plans.append((index, rule, object, subject))
        }
        guard !plans.isEmpty else { return events }
        let subjectKeys = try await keysCreatingMissing(for: Set(plans.map(\.subject)))
        var protected = events
        for var plan in plans {
            guard case .active(let key)? = subjectKeys[plan.subject] else {
                throw PersonalDataError(code: .subjectForgotten, eventType: plan.rule.eventType, subject: plan.subject)
            }
            try PersonalDataCipher.seal(&plan.object, fields: plan.rule.fields, key: SymmetricKey(data: key), eventID: events[plan.index].id)
            protected[plan.index].data = try plan.object.encoded()
            protected[plan.index].metadata.custom[PersonalDataCipher.subjectMetadataKey] = plan.subject
        }
        return protected
    }

    /// `events` with their personal fields decrypted, or redacted where the subject is forgotten.
    func reveal(_ events: [RecordedEvent]) async throws -> [RecordedEvent] {
        let subjects = Set(events.compactMap { $0.metadata.custom[PersonalDataCipher.subjectMetadataKey] })
        guard !subjects.isEmpty else { return events }
        let subjectKeys = try await keys.subjectKeys(for: subjects)
        var revealed = events
        for (index, event) in events.enumerated() {
            guard let subject = event.metadata.custom[PersonalDataCipher.subjectMetadataKey] else { continue }
            var key: SymmetricKey? = nil
            if case .active(let data)? = subjectKeys[subject] { key = SymmetricKey(data: data) }
            do {
                var object = try JSONValue(parsing: event.data)
                try PersonalDataCipher.open(&object, key: key, eventID: event.id)
                revealed[index].data = try object.encoded()
            } catch {
                throw EventStoreError(
                    .corruptEvent,
                    "the personal data of the event at position \(event.position) in stream '\(event.stream)' does not decrypt",
                    underlying: error
                )
            }
        }
        return revealed
    }

    private func subject(of object: JSONValue, rule: PersonalDataRule, in stream: StreamID) -> String? {
        switch rule.subject.source {
        case .stream:
            return stream.rawValue
        case .field(let name, let prefix):
            switch object[name] {
            case .string(let value)?: return prefix + value
            case .int(let value)?: return prefix + String(value)
            default: return nil
            }
        }
    }

    private func keysCreatingMissing(for subjects: Set<String>) async throws -> [String: SubjectKeyState] {
        var found = try await keys.subjectKeys(for: subjects)
        let missing = subjects.subtracting(found.keys)
        guard !missing.isEmpty else { return found }
        let fresh = Dictionary(uniqueKeysWithValues: missing.map { ($0, SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }) })
        found.merge(try await keys.createSubjectKeys(fresh)) { _, stored in stored }
        return found
    }
}

extension ProtectedEventStore: DigesterProviding {}

extension ProtectedEventStore where Base: SubjectKeyStore {
    /// Protects `base`, keeping the subjects' keys in a table of the same database.
    public convenience init(_ base: Base, rules: [PersonalDataRule]) {
        self.init(base, keys: base, rules: rules)
    }
}
