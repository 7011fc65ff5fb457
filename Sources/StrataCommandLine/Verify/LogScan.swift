//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata

/// Reads a whole log through the EventStore protocol, a page at a time (so in constant memory), checking what a
/// reader relies on: positions that arrive in order without gaps up to the head, and data that is JSON.
struct LogScan {
    static let pageSize = 1_000

    let store: any EventStore
    let examples: Int

    /// What the scan found: its checks, and the events it read.
    struct Outcome {
        var checks: [IntegrityCheck]
        var events: Int
    }

    func run(progress: inout ProgressReporter) async throws -> Outcome {
        let head = try await store.headPosition()
        var order = Violations(IntegrityCheckName.readsInOrder, examples: examples)
        var json = Violations(IntegrityCheckName.jsonData, examples: examples)
        var next: UInt64 = 1
        var events = 0
        readLoop: while next <= head.value {
            let page: [RecordedEvent]
            do {
                page = try await store.readAll(from: GlobalPosition(next), limit: Self.pageSize, filter: .all)
            } catch {
                // A page that cannot be read (a row whose metadata does not decode, say) ends the scan: what lies
                // behind it is unknown.
                order.record("the log cannot be read from position \(next): \(error)")
                break readLoop
            }
            guard !page.isEmpty else {
                order.record(IntegrityDescriptions.missing(from: Int64(clamping: next), to: Int64(clamping: head.value)) + " (up to the head)")
                break
            }
            for event in page {
                if event.position.value != next {
                    order.record(
                        event.position.value > next
                            ? IntegrityDescriptions.missing(from: Int64(clamping: next), to: Int64(clamping: event.position.value) - 1)
                            : "position \(event.position.value) is read after position \(next - 1)"
                    )
                }
                if (try? JSONSerialization.jsonObject(with: event.data, options: [.fragmentsAllowed])) == nil {
                    json.record("event \(event.id) at position \(event.position.value) (\(event.stream) version \(event.version.value))")
                }
                next = max(next, event.position.value + 1)
                events += 1
            }
            progress.update(done: Int(clamping: next - 1), total: Int(clamping: head.value))
        }
        progress.finish(done: events, total: Int(clamping: head.value))
        return Outcome(checks: [order.check, json.check], events: events)
    }
}

/// Counts the violations of one check and keeps the first few descriptions.
struct Violations {
    let name: String
    let examples: Int
    private(set) var count = 0
    private var described: [String] = []

    init(_ name: String, examples: Int) {
        self.name = name
        self.examples = examples
    }

    mutating func record(_ description: String) {
        count += 1
        if described.count < examples { described.append(description) }
    }

    var check: IntegrityCheck { IntegrityCheck(name, violations: count, examples: described) }
}

extension IntegrityCheckName {
    static let readsInOrder = "the log reads back in position order, without gaps, up to the head"
    static let jsonData = "every event's data is JSON"
    static let sameLog = "the two stores hold the same log"
}
