//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// The body of `GET /streams/{id}`: a page of a stream's events.
struct StreamPage: Encodable, Sendable {
    var stream: String
    /// The stream's current version.
    var version: UInt64
    var events: [EventJSON]
    /// The version to ask for next; `nil`, written as `null`, at the end of the stream.
    var next: UInt64?

    private enum CodingKeys: String, CodingKey {
        case stream, version, events, next
    }

    // Written out because the synthesized encoding leaves out a `nil` next, and clients look for `null`.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stream, forKey: .stream)
        try container.encode(version, forKey: .version)
        try container.encode(events, forKey: .events)
        try container.encode(next, forKey: .next)
    }
}
