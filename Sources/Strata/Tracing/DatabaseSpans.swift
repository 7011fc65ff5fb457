//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Tracing

/// How a backend describes its database in the spans of its writes, with OpenTelemetry's database attribute
/// names (`db.system.name`, `db.namespace`, `db.operation.name`, `db.operation.batch.size`).
///
/// A backend traces each append as a `strata.append` span (a child of whatever the caller was doing, usually
/// a command), and each group-commit batch as a `strata.group-commit` span: a child of the append that led the
/// batch, linked to the appends of the other callers whose requests it carried.
public struct DatabaseSpans: Sendable {
    /// The database product, as OpenTelemetry names it: `sqlite`, `postgresql`.
    public var system: String
    /// The database (and schema) the store lives in, or its file.
    public var namespace: String?

    public init(system: String, namespace: String?) {
        self.system = system
        self.namespace = namespace
    }

    /// Runs one append (of `events` events to `stream`) inside a `strata.append` span.
    public func withAppendSpan<Result>(
        to stream: StreamID,
        events: Int,
        _ append: () async throws -> Result
    ) async throws -> Result {
        try await withSpan("strata.append", ofKind: .client) { span in
            if span.isRecording {
                describe(span, operation: "append")
                span.attributes["strata.stream"] = stream.rawValue
                span.attributes["strata.append.events"] = events
            }
            return try await append()
        }
    }

    /// Describes a group-commit batch of `size` writes on `span`, linked to the trace contexts of the writes it
    /// carries besides the one whose span is its parent (`nil` for a write submitted outside any trace).
    public func describeBatch(_ span: any Span, size: Int, linking others: some Sequence<ServiceContext?>) {
        guard span.isRecording else { return }
        describe(span, operation: "commit")
        span.attributes["db.operation.batch.size"] = size
        for case let context? in others { span.addLink(SpanLink(context: context, attributes: [:])) }
    }

    /// Sets the database attributes on `span`.
    public func describe(_ span: any Span, operation: String) {
        // Setting an attribute builds a new attribute dictionary even on a span that records nothing.
        guard span.isRecording else { return }
        span.attributes["db.system.name"] = system
        span.attributes["db.operation.name"] = operation
        if let namespace { span.attributes["db.namespace"] = namespace }
    }
}
