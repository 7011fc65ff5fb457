//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

/// An event store that hands every call to `base`: a test's store implements only the calls it counts, holds back
/// or interferes with.
public protocol ForwardingEventStore: EventStore {
    associatedtype Base: EventStore

    /// The store that does the work.
    var base: Base { get }
}

extension ForwardingEventStore {
    public func append(_ events: [NewEvent], to stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        try await base.append(events, to: stream, expecting: expected)
    }

    public func readStream(_ stream: StreamID, from version: StreamVersion, direction: ReadDirection, limit: Int) async throws -> [RecordedEvent] {
        try await base.readStream(stream, from: version, direction: direction, limit: limit)
    }

    public func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [RecordedEvent] {
        try await base.readAll(from: position, limit: limit, filter: filter)
    }

    public func currentVersion(of stream: StreamID) async throws -> StreamVersion? {
        try await base.currentVersion(of: stream)
    }

    public func headPosition() async throws -> GlobalPosition {
        try await base.headPosition()
    }

    public func subscribeToAll(from position: GlobalPosition, filter: EventFilter) -> EventSubscription {
        base.subscribeToAll(from: position, filter: filter)
    }

    public func deleteStream(_ stream: StreamID, expecting expected: ExpectedVersion) async throws -> AppendResult {
        try await base.deleteStream(stream, expecting: expected)
    }

    public func truncateStream(_ stream: StreamID, before version: StreamVersion) async throws {
        try await base.truncateStream(stream, before: version)
    }
}
