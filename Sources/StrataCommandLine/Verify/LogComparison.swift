//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata

/// Compares two logs event by event, reading both a page at a time in step (so in constant memory): the same
/// events at the same positions, with the same ids, streams, versions, types, data, metadata, schema versions
/// and recording times (to the millisecond, since the backends store times at different precisions).
struct LogComparison {
    let store: any EventStore
    let other: any EventStore
    let examples: Int

    func run(progress: inout ProgressReporter) async throws -> IntegrityCheck {
        var differences = Violations(IntegrityCheckName.sameLog, examples: examples)
        let (head, otherHead) = (try await store.headPosition(), try await other.headPosition())
        if head != otherHead {
            differences.record("the heads differ: \(head.value) and \(otherHead.value)")
        }
        // A merge by position: of two pages read from the same position, the events up to the lower of their last
        // positions are compared (or reported as held by one store only); the rest are read again next round.
        var next = GlobalPosition.start
        var compared = 0
        while true {
            let from = next
            async let pageRead = store.readAll(from: from, limit: LogScan.pageSize, filter: .all)
            async let otherPageRead = other.readAll(from: from, limit: LogScan.pageSize, filter: .all)
            let (page, otherPage) = try await (pageRead, otherPageRead)
            guard let last = page.last?.position, let otherLast = otherPage.last?.position else {
                for event in page { differences.record("only the store has position \(event.position.value)") }
                for event in otherPage { differences.record("only the other store has position \(event.position.value)") }
                compared += max(page.count, otherPage.count)
                break
            }
            let upTo = min(last, otherLast)
            var (index, otherIndex) = (0, 0)
            while index < page.count || otherIndex < otherPage.count {
                let event = index < page.count && page[index].position <= upTo ? page[index] : nil
                let otherEvent = otherIndex < otherPage.count && otherPage[otherIndex].position <= upTo ? otherPage[otherIndex] : nil
                switch (event, otherEvent) {
                case (let event?, let otherEvent?) where event.position == otherEvent.position:
                    if let difference = Self.difference(event, otherEvent) { differences.record(difference) }
                    index += 1
                    otherIndex += 1
                case (let event?, let otherEvent) where otherEvent == nil || event.position < otherEvent!.position:
                    differences.record("only the store has position \(event.position.value)")
                    index += 1
                case (_, let otherEvent?):
                    differences.record("only the other store has position \(otherEvent.position.value)")
                    otherIndex += 1
                default:
                    // Both are past the lower last position: read again in the next round.
                    (index, otherIndex) = (page.count, otherPage.count)
                    continue
                }
                compared += 1
            }
            next = GlobalPosition(upTo.value + 1)
            progress.update(done: compared, total: Int(clamping: max(head.value, otherHead.value)))
        }
        progress.finish(done: compared, total: nil)
        return differences.check
    }

    /// What differs between two events read at the same place in the two logs, or `nil` when nothing does.
    static func difference(_ event: RecordedEvent, _ other: RecordedEvent) -> String? {
        var fields: [String] = []
        if event.position != other.position { fields.append("position \(event.position.value) / \(other.position.value)") }
        if event.id != other.id { fields.append("id") }
        if event.stream != other.stream || event.version != other.version { fields.append("stream or version") }
        if event.type != other.type { fields.append("type") }
        if event.schemaVersion != other.schemaVersion { fields.append("schema version") }
        if !Self.sameJSON(event.data, other.data) { fields.append("data") }
        if event.metadata != other.metadata { fields.append("metadata") }
        if abs(event.recordedAt.timeIntervalSince(other.recordedAt)) >= 0.001 { fields.append("recording time") }
        guard !fields.isEmpty else { return nil }
        return "position \(event.position.value) (\(event.stream) version \(event.version.value)): \(fields.joined(separator: ", ")) differ"
    }

    /// Whether two payloads are the same bytes or, failing that, the same JSON (a backend may store it
    /// re-serialised).
    static func sameJSON(_ data: Data, _ other: Data) -> Bool {
        if data == other { return true }
        guard let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
            let otherValue = try? JSONSerialization.jsonObject(with: other, options: [.fragmentsAllowed])
        else { return false }
        return (value as? NSObject)?.isEqual(otherValue) ?? false
    }
}
