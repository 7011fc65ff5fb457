//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata

/// What the console's templates show, already turned into text: the templates only place and escape it.
enum ConsoleLinks {
    /// `text` as one percent-encoded path segment.
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// `text` as a percent-encoded query value.
    static func queryValue(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#%")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    static func stream(_ stream: String) -> String { "/console/streams/\(segment(stream))" }
    static func event(_ position: GlobalPosition) -> String { "/console/events/\(position.value)" }
    static func correlation(_ id: String) -> String { "/console/correlations/\(segment(id))" }
    static func projection(_ name: String) -> String { "/console/projections/\(segment(name))" }
    static func category(_ name: String) -> String { "/console/streams?category=\(queryValue(name))" }
}

struct EventRowView {
    var position: UInt64
    var link: String
    var stream: String
    var streamLink: String
    var version: UInt64
    var type: String
    var recordedAt: String

    init(_ event: RecordedEvent) {
        position = event.position.value
        link = ConsoleLinks.event(event.position)
        stream = event.stream.rawValue
        streamLink = ConsoleLinks.stream(event.stream.rawValue)
        version = event.version.value
        type = event.type
        recordedAt = event.recordedAt.iso8601Timestamp
    }
}

struct ProjectionRowView {
    var name: String
    var link: String
    var state: String
    var checkpoint: UInt64
    var head: UInt64
    var lagEvents: UInt64
    var lagSeconds: String
    var parkedCount: Int
    var generation: Int
    var rebuildCheckpoint: UInt64?
    var version: Int
    var node: String
    var lastError: String

    init(_ status: ProjectionStatus, showsErrors: Bool) {
        name = status.name
        link = ConsoleLinks.projection(status.name)
        state = "\(status.state)"
        checkpoint = status.checkpoint.value
        head = status.head.value
        lagEvents = status.lagEvents
        lagSeconds = String(format: "%.1f", status.lagSeconds)
        parkedCount = status.parkedCount
        generation = status.generation
        rebuildCheckpoint = status.rebuildCheckpoint?.value
        version = status.version
        node = status.node ?? "–"
        lastError = status.lastError.map { showsErrors ? $0 : ProjectionRoutes.withheld } ?? "–"
    }
}

struct OverviewView {
    var session: ConsoleSessionView
    var head: UInt64
    var lastRecordedAt: String
    /// `ready` or `unavailable`, as `GET /health` says.
    var health: String
    var eventStore: String
    var readStore: String
    var projections: [ProjectionRowView]
    var events: [EventRowView]
    var categories: [CategoryRowView]
    /// The page of every category, when the overview shows only the first.
    var moreCategories: String?
    /// The chart's first bars (``ConsoleActivity/attribute``) and whether they count every event of the period.
    var activity: String
    var activityComplete: Bool
    /// The live stream the chart follows, from the event after `head`.
    var live: String
}

struct CategoriesView {
    var session: ConsoleSessionView
    var categories: [CategoryRowView]
    var next: String?
}

struct CategoryRowView {
    var name: String
    var link: String
    var lastPosition: UInt64
    var lastLink: String
    var lastRecordedAt: String

    init(_ summary: CategorySummary) {
        name = summary.name
        link = ConsoleLinks.category(summary.name)
        lastPosition = summary.lastPosition.value
        lastLink = ConsoleLinks.event(summary.lastPosition)
        lastRecordedAt = summary.lastRecordedAt.iso8601Timestamp
    }
}

struct StreamRowView {
    var stream: String
    var link: String
    var version: UInt64
    var eventCount: Int
    var lastPosition: UInt64
    var lastRecordedAt: String
    var deleted: Bool

    init(_ summary: StreamSummary) {
        stream = summary.stream.rawValue
        link = ConsoleLinks.stream(summary.stream.rawValue)
        version = summary.version.value
        eventCount = summary.eventCount
        lastPosition = summary.lastPosition.value
        lastRecordedAt = summary.lastRecordedAt.iso8601Timestamp
        deleted = summary.isDeleted
    }
}

struct StreamsView {
    var session: ConsoleSessionView
    var category: String
    var prefix: String
    var streams: [StreamRowView]
    var next: String?
}

struct StreamView {
    var session: ConsoleSessionView
    var stream: String
    var events: [EventRowView]
    var next: String?
}

struct EventView {
    var session: ConsoleSessionView
    var position: UInt64
    var id: String
    var type: String
    var stream: String
    var streamLink: String
    var version: UInt64
    var recordedAt: String
    var schemaVersion: Int
    var correlationID: String?
    var correlationLink: String?
    var causationID: String?
    /// The event the causation id names, when it names one in this log (else a command caused this event).
    var cause: EventRowView?
    var data: String
    var metadata: String?

    init(_ event: RecordedEvent, cause: RecordedEvent?, session: ConsoleSessionView, maximumJSONDepth: Int) {
        self.session = session
        position = event.position.value
        id = event.id.uuidString.lowercased()
        type = event.type
        stream = event.stream.rawValue
        streamLink = ConsoleLinks.stream(event.stream.rawValue)
        version = event.version.value
        recordedAt = event.recordedAt.iso8601Timestamp
        schemaVersion = event.schemaVersion
        correlationID = event.metadata.correlationID
        correlationLink = event.metadata.correlationID.map(ConsoleLinks.correlation)
        causationID = event.metadata.causationID
        self.cause = cause.map(EventRowView.init)
        data = ConsoleJSON.pretty(event.data, maximumDepth: maximumJSONDepth)
        metadata = event.metadata.custom.isEmpty ? nil : ConsoleJSON.pretty(event.metadata.custom)
    }
}

/// One event of a correlation tree, with the events it caused.
final class CausationNodeView {
    var position: UInt64
    var link: String
    var type: String
    var stream: String
    var streamLink: String
    var recordedAt: String
    /// What caused a root event: a command's id, or an event outside the page. Never nil, and shown only when
    /// `showsCause`: a template looks a missing name up in the enclosing node, and would show the parent's.
    var causedBy: String
    var showsCause: Bool
    var children: [CausationNodeView] = []
    /// Stored, as templates read stored properties only.
    var hasChildren = false

    init(_ event: RecordedEvent, isRoot: Bool) {
        position = event.position.value
        link = ConsoleLinks.event(event.position)
        type = event.type
        stream = event.stream.rawValue
        streamLink = ConsoleLinks.stream(event.stream.rawValue)
        recordedAt = event.recordedAt.iso8601Timestamp
        causedBy = event.metadata.causationID ?? ""
        showsCause = isRoot && event.metadata.causationID != nil
    }

    /// The events of one correlation as trees: each event under the event that caused it when that event is among
    /// them, at the top otherwise; in the log's order at every level.
    static func trees(of events: [RecordedEvent]) -> [CausationNodeView] {
        let ids = Set(events.map { $0.id.uuidString.lowercased() })
        var nodes: [String: CausationNodeView] = [:]
        var roots: [CausationNodeView] = []
        for event in events.sorted(by: { $0.position < $1.position }) {
            let cause = event.metadata.causationID?.lowercased()
            let parent = cause.flatMap { ids.contains($0) ? nodes[$0] : nil }
            let node = CausationNodeView(event, isRoot: parent == nil)
            nodes[event.id.uuidString.lowercased()] = node
            if let parent {
                parent.children.append(node)
                parent.hasChildren = true
            } else {
                roots.append(node)
            }
        }
        return roots
    }
}

struct CorrelationView {
    var session: ConsoleSessionView
    var correlationID: String
    var roots: [CausationNodeView]
    var truncated: Bool
    var shown: Int
}

struct ProjectionsView {
    var session: ConsoleSessionView
    var projections: [ProjectionRowView]
}

struct ParkedRowView {
    var position: UInt64
    var link: String
    var stream: String
    var type: String
    var attempts: Int
    var error: String
}

struct ProjectionView {
    var session: ConsoleSessionView
    /// The projection's status, as the projection tables show it; the page's facts read from it.
    var status: ProjectionRowView
    var parked: [ParkedRowView]
    var mayControl: Bool
    var rebuildAction: String
    var resetAction: String
    var replayAction: String
    var notice: String?

    init(_ status: ProjectionRowView, parked: [ParkedRowView], session: ConsoleSessionView, notice: String?) {
        self.session = session
        self.status = status
        self.parked = parked
        mayControl = session.isAdmin
        rebuildAction = status.link + "/rebuild"
        resetAction = status.link + "/reset"
        replayAction = status.link + "/replay-parked"
        self.notice = notice
    }
}

struct TailView {
    var session: ConsoleSessionView
    var category: String
    var types: String
    /// The event stream the page's script follows.
    var live: String
}

struct SignInView {
    var session: ConsoleSessionView
    var tokensRequired: Bool
    var problem: String?
}

/// Event data shown as people read it: indented JSON with sorted keys, or the text as stored when it is not JSON.
enum ConsoleJSON {
    /// `data` indented, with sorted keys and every number as stored (through ``JSONValue``, which keeps integers
    /// beyond `Int64` and fractions `Double` cannot hold); as stored when it is not JSON within `maximumDepth`.
    static func pretty(_ data: Data, maximumDepth: Int) -> String {
        // Nesting is checked before parsing, as the API checks bodies: a log may hold data that no request could
        // have sent (an import, another writer).
        guard !JSONNesting.depth(of: data, exceeds: maximumDepth), let value = try? JSONValue(parsing: data),
            let pretty = try? encoder.encode(value)
        else {
            return String(decoding: data, as: UTF8.self)
        }
        return String(decoding: pretty, as: UTF8.self)
    }

    static func pretty(_ dictionary: [String: String]) -> String {
        guard let data = try? encoder.encode(dictionary) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder.strata(.readable)
        encoder.outputFormatting.insert(.prettyPrinted)
        return encoder
    }
}
