//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging

/// Writes through swift-log's `StreamLogHandler`, but renders the logger's metadata only when a line is written.
///
/// `StreamLogHandler` renders its metadata to text each time a key is set, and Hummingbird sets a request id on
/// every request's logger: the service paid for rendering on every request (a few percent of a query's time in a
/// profile) to write nothing at the usual levels. Here metadata is kept as it is set and handed to the stream
/// handler with the line, in the order swift-log merges it: the logger's own, then the metadata provider's, then
/// the line's.
struct LazyMetadataLogHandler: LogHandler {
    private var stream: StreamLogHandler
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(stream: StreamLogHandler) {
        var stream = stream
        self.metadataProvider = stream.metadataProvider
        stream.metadataProvider = nil
        self.stream = stream
    }

    var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, provided in provided }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            merged.merge(explicit) { _, explicit in explicit }
        }
        event.metadata = merged
        stream.log(event: event)
    }
}
