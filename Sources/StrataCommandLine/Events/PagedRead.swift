//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

/// A read of a stream, of the whole log, or of the events of one correlation id, done page by page so that a huge log streams out in bounded memory.
struct PagedRead: Sendable {
    enum Source: Sendable {
        case stream(StreamID, direction: ReadDirection, from: StreamVersion)
        case all(from: GlobalPosition, filter: EventFilter)
        case correlated(String, from: GlobalPosition)
    }

    var source: Source
    /// The most events to deliver in all; `nil` for no limit.
    var limit: Int?
    var pageSize = 1000

    /// Reads page after page until the end or the limit, handing each non-empty page to `body`.
    func forEachPage(of store: any EventStore, _ body: ([RecordedEvent]) throws -> Void) async throws {
        var remaining = limit ?? Int.max
        var cursor = source
        while remaining > 0 {
            let requested = min(pageSize, remaining)
            let page = try await read(cursor, limit: requested, from: store)
            if !page.isEmpty { try body(page) }
            remaining -= page.count
            // A short page means the end of what was committed when it was read.
            guard page.count == requested, let last = page.last, let next = cursor.after(last) else { return }
            cursor = next
        }
    }

    private func read(_ source: Source, limit: Int, from store: any EventStore) async throws -> [RecordedEvent] {
        switch source {
        case .stream(let stream, let direction, let version):
            return try await store.readStream(stream, from: version, direction: direction, limit: limit)
        case .all(let position, let filter):
            return try await store.readAll(from: position, limit: limit, filter: filter)
        case .correlated(let correlationID, let position):
            guard let catalog = store as? any StreamCatalog else {
                throw CLIError.badInput("this store cannot look events up by correlation id")
            }
            return try await catalog.events(correlatedWith: correlationID, from: position, limit: limit)
        }
    }
}

extension PagedRead.Source {
    /// Where to continue after `event`; `nil` when nothing can follow it.
    func after(_ event: RecordedEvent) -> Self? {
        switch self {
        case .stream(let stream, let direction, _):
            if direction == .forwards {
                return .stream(stream, direction: direction, from: event.version.next)
            }
            guard event.version > .first else { return nil }
            return .stream(stream, direction: direction, from: StreamVersion(event.version.value - 1))
        case .all(_, let filter):
            return .all(from: event.position.next, filter: filter)
        case .correlated(let correlationID, _):
            return .correlated(correlationID, from: event.position.next)
        }
    }
}
