//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

extension InMemoryEventStore: StreamCatalog {
    public func listStreams(category: String?, prefix: String?, after: StreamID?, limit: Int) async throws -> [StreamSummary] {
        storage.withLock { storage in
            storage.streams
                .filter { stream, _ in
                    (category == nil || stream.category == category) && (after.map { stream.rawValue > $0.rawValue } ?? true)
                        // By bytes, as the databases compare: String's hasPrefix compares characters, equating
                        // canonically equivalent spellings.
                        && (prefix.map { stream.rawValue.utf8.starts(with: $0.utf8) } ?? true)
                }
                .sorted { $0.key.rawValue < $1.key.rawValue }
                .prefix(max(0, limit))
                .compactMap { stream, indexes in
                    guard let last = indexes.last.map({ storage.log[$0] }) else { return nil }
                    return StreamSummary(
                        stream: stream,
                        version: last.version,
                        eventCount: indexes.count,
                        lastPosition: last.position,
                        lastRecordedAt: last.recordedAt,
                        isDeleted: storage.lifecycle[stream]?.deleted == true
                    )
                }
        }
    }

    public func events(correlatedWith correlationID: String, from position: GlobalPosition, limit: Int) async throws -> [RecordedEvent] {
        storage.withLock { storage in
            Array(
                storage.log.lazy.filter { $0.position >= position && $0.metadata.correlationID == correlationID }.prefix(max(0, limit))
            )
        }
    }

    public func listCategories(after: String?, limit: Int) async throws -> [CategorySummary] {
        storage.withLock { storage in
            var last: [String: RecordedEvent] = [:]
            for event in storage.log { last[event.stream.category] = event }
            // By bytes, as the databases compare.
            return last.values
                .filter { event in after.map { $0.utf8.lexicographicallyPrecedes(event.stream.category.utf8) } ?? true }
                .sorted { $0.stream.category.utf8.lexicographicallyPrecedes($1.stream.category.utf8) }
                .prefix(max(0, limit))
                .map { CategorySummary(name: $0.stream.category, lastPosition: $0.position, lastRecordedAt: $0.recordedAt) }
        }
    }

    public func event(id: UUID) async throws -> RecordedEvent? {
        storage.withLock { storage in storage.indexByEventID[id].map { storage.log[$0] } }
    }

    public func recordingTimes(since: Date, amongLast limit: Int) async throws -> [Date] {
        storage.withLock { storage in
            storage.log.suffix(max(0, limit)).reversed().map(\.recordedAt).filter { $0 >= since }
        }
    }

    public func statistics() async throws -> EventStoreStatistics {
        storage.withLock { storage in
            EventStoreStatistics(
                eventCount: storage.log.count,
                streamCount: storage.streams.count,
                head: storage.log.last?.position ?? .start,
                headRecordedAt: storage.log.last?.recordedAt,
                sizeBytes: nil
            )
        }
    }
}
