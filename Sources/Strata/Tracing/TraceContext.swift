//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Tracing

/// A trace context carried in events' metadata, so that work that happens later and elsewhere (a projection
/// applying the event, a process manager reacting to it) joins the trace of the command that appended it.
///
/// The fields are whatever the instrument in use writes: with OpenTelemetry's W3C propagation, `traceparent` and
/// `tracestate`. With no instrument bootstrapped (the default), nothing is written and nothing is read.
public enum TraceContext {
    /// Writes the trace context of `context` (by default the current task's) into `metadata`.
    public static func inject(into metadata: inout [String: String], from context: ServiceContext? = .current) {
        guard let context else { return }
        InstrumentationSystem.instrument.inject(context, into: &metadata, using: MetadataInjector())
    }

    /// The trace context `metadata` carries, or `nil` when it carries none.
    public static func extract(from metadata: EventMetadata) -> ServiceContext? {
        guard !metadata.custom.isEmpty else { return nil }
        var context = ServiceContext.topLevel
        InstrumentationSystem.instrument.extract(metadata.custom, into: &context, using: MetadataExtractor())
        return context.isEmpty ? nil : context
    }

    private struct MetadataInjector: Injector {
        func inject(_ value: String, forKey key: String, into metadata: inout [String: String]) { metadata[key] = value }
    }

    private struct MetadataExtractor: Extractor {
        func extract(key: String, from metadata: [String: String]) -> String? { metadata[key] }
    }
}
