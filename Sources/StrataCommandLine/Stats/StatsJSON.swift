//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata
import StrataHTTP

/// What `strata stats --json` prints. Absent values are `null`, not left out, so that scripts find every key.
///
/// ```json
/// {"eventStore":{"events":120,"head":120,"headRecordedAt":"2026-11-28T06:40:00.000Z","location":"sqlite:events.sqlite",
///  "sizeBytes":49152,"streams":12},"readStore":{"location":"sqlite:read.sqlite","projections":[…]}}
/// ```
struct StatsJSON: Encodable {
    var eventStore: EventStore
    /// `nil`, written as `null`, when there is no read store.
    var readStore: ReadStore?

    private enum CodingKeys: String, CodingKey {
        case eventStore, readStore
    }

    // Written out because the synthesized encoding leaves `nil` members out.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(eventStore, forKey: .eventStore)
        try container.encode(readStore, forKey: .readStore)
    }

    /// The event store's counts, head and size.
    struct EventStore: Encodable {
        var location: String
        var events: Int
        var streams: Int
        var head: UInt64
        var headRecordedAt: String?
        var sizeBytes: Int64?

        init(location: String, statistics: EventStoreStatistics) {
            self.location = location
            events = statistics.eventCount
            streams = statistics.streamCount
            head = statistics.head.value
            headRecordedAt = statistics.headRecordedAt?.iso8601Timestamp
            sizeBytes = statistics.sizeBytes
        }

        private enum CodingKeys: String, CodingKey {
            case location, events, streams, head, headRecordedAt, sizeBytes
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(location, forKey: .location)
            try container.encode(events, forKey: .events)
            try container.encode(streams, forKey: .streams)
            try container.encode(head, forKey: .head)
            try container.encode(headRecordedAt, forKey: .headRecordedAt)
            try container.encode(sizeBytes, forKey: .sizeBytes)
        }
    }

    /// The read store and its projections.
    struct ReadStore: Encodable {
        var location: String
        var projections: [ProjectionStatusJSON]
    }
}
