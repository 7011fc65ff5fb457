//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// A page of the log as a projection worker applies it: the head it was read under, its events, and what the
/// projection decoded from each.
struct ProjectionPage: Sendable {
    /// The store's head, read before the events: every event up to it was committed when they were read.
    let head: GlobalPosition
    let events: [RecordedEvent]
    /// Whether more events may follow the page's last: it reached the batch size or the byte budget. A page that
    /// is not full holds every matching event up to ``head``.
    let isFull: Bool
    private let applyEvent: @Sendable (Int, ProjectionContext) async throws -> Void

    /// Decodes every event with `projection`; a decoding error is kept, and thrown when the event is applied,
    /// so that it takes the failure policy's course at that event like any error of the handler.
    init<P: Projection>(head: GlobalPosition, events: [RecordedEvent], isFull: Bool, decodingFor projection: P) {
        let decoded = events.map { event in Result { try projection.decode(event) } }
        self.head = head
        self.events = events
        self.isFull = isFull
        applyEvent = { index, context in
            try await projection.apply(events[index], decoded: try decoded[index].get(), in: context)
        }
    }

    /// Applies the event at `index` of ``events``.
    func apply(at index: Int, in context: ProjectionContext) async throws {
        try await applyEvent(index, context)
    }
}
