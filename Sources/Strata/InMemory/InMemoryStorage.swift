//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// Everything an ``InMemoryEventStore`` holds, changed only under its lock.
struct InMemoryStorage {
    struct Lifecycle {
        var truncateBefore: UInt64 = 0
        var deleted = false
    }

    enum ScheduleStatus { case pending, completed, cancelled }

    var log: [RecordedEvent] = []
    var streams: [StreamID: [Int]] = [:]
    var indexByEventID: [UUID: Int] = [:]
    var lifecycle: [StreamID: Lifecycle] = [:]
    var snapshots: [String: Snapshot] = [:]
    var outcomes: [String: CommandOutcomeRecord] = [:]
    var subjectKeys: [String: SubjectKeyState] = [:]
    var digestSecret: Data?
    var checkpoints: [String: GlobalPosition] = [:]
    var scheduled: [String: (command: ScheduledCommand, status: ScheduleStatus)] = [:]

    func currentVersion(of stream: StreamID) -> StreamVersion? {
        if lifecycle[stream]?.deleted == true { return nil }
        return streams[stream]?.last.map { log[$0].version }
    }

    /// Appends as ``EventStore/append(_:to:expecting:)`` describes.
    mutating func append(_ request: PendingAppend, at now: Date) throws -> AppendResult {
        let (events, stream, expected) = (request.events, request.stream, request.expected)
        guard !events.isEmpty else {
            throw EventStoreError(.invalidArgument, "an append needs at least one event")
        }
        try IdempotentAppend.requireDistinctIDs(events)
        let stored = events.compactMap { event in
            indexByEventID[event.id].map { index in
                let recorded = log[index]
                return IdempotentAppend.StoredEvent(id: recorded.id, stream: recorded.stream, version: recorded.version, position: recorded.position)
            }
        }
        if let original = try IdempotentAppend.resolve(events, to: stream, expecting: expected, stored: stored) {
            return original
        }
        if lifecycle[stream]?.deleted == true {
            throw EventStoreError(.streamDeleted, "cannot append to stream '\(stream)': it is deleted")
        }
        let indexes = streams[stream] ?? []
        let actual = indexes.last.map { log[$0].version }
        guard expected.isSatisfied(by: actual) else {
            throw WrongExpectedVersion(stream: stream, expected: expected, actual: actual)
        }
        var version = actual.map(\.next) ?? .first
        var appended: [Int] = []
        for event in events {
            let index = log.count
            log.append(
                RecordedEvent(
                    id: event.id,
                    stream: stream,
                    version: version,
                    position: GlobalPosition(UInt64(index + 1)),
                    type: event.type,
                    data: event.data,
                    metadata: event.metadata,
                    recordedAt: now,
                    schemaVersion: event.schemaVersion
                )
            )
            indexByEventID[event.id] = index
            appended.append(index)
            version = version.next
        }
        streams[stream, default: []].append(contentsOf: appended)
        let last = log[appended[appended.count - 1]]
        return AppendResult(streamVersion: last.version, position: last.position)
    }
}
