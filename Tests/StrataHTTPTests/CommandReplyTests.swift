//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import NIOCore
import Strata
import Testing

@testable import StrataHTTP

@Suite("A command's reply")
struct CommandReplyTests {
    static let ids: [String?] = [
        nil, "", "0193f6a2-7c1e-7b44-9a51-2f7e0c6d8a11", "order/1", #"quote " inside"#, #"back\slash"#, "tab\there", "ünïcødé ✓",
        "\u{7F}delete", String(repeating: "x", count: 300),
    ]

    @Test("the body written directly is byte for byte what the JSON encoder writes, whatever the id and numbers", arguments: ids)
    func bodyMatchesTheEncoder(id: String?) throws {
        for (position, version) in [(UInt64(0), StreamVersion?.none), (1, StreamVersion(0)), (UInt64.max, StreamVersion(UInt64.max))] {
            var reply = CommandReply(CommandResult<Int>(events: [], streamVersion: version, position: GlobalPosition(position), attempts: 1))
            reply.id = id
            let written = try reply.bodyBytes()
            #expect(Array(written.readableBytesView) == Array(try reply.body.encoded()), "\(String(describing: id)) \(position)")
            let parsed = try JSONValue(parsing: Data(written.readableBytesView))
            #expect(parsed["id"]?.stringValue == id)
            #expect(parsed["position"]?.intValue == Int64(clamping: position))
        }
    }
}
