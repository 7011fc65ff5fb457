//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
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
