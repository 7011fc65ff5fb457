//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

/// The event the tally counts, in streams of category `tally`.
public struct Tallied: DomainEvent {
    public static let eventType = "Tallied"

    public init() {}

    /// A new `Tallied` event to append.
    public static func event() throws -> NewEvent {
        try EventRegistry(Tallied.self).newEvent(Tallied())
    }
}

/// A projection that counts `Tallied` events in one document, so that a query's answer tells how far the read
/// model it read had come.
public struct TallyProjection: Projection {
    public let name: String

    public init(name: String = "tally") { self.name = name }

    public var filter: EventFilter { .category("tally").eventTypes([Tallied.eventType]) }
    public var schema: ReadModelSchema { ReadModelSchema(collections: [DocumentCollection("counts")]) }

    public func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws {
        try await context.documents("counts", as: TallyCount.self).update("all", default: TallyCount(count: 0)) { $0.count += 1 }
    }
}

/// How many `Tallied` events the tally read model has counted.
public struct TallyQuery: Query {
    public var projection: String

    public init(projection: String = "tally") { self.projection = projection }

    public var projections: [String] { [projection] }

    public func run(on reader: ReadModelReader) async throws -> Int {
        try await reader.documents("counts", of: projection, as: TallyCount.self).get("all")?.count ?? 0
    }
}

/// The tally's one document.
public struct TallyCount: Codable, Sendable {
    public var count: Int
}
