//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

@Suite("Event ids", .timeLimit(.minutes(5)))
struct UUIDTests {
    @Test("time-ordered ids carry version 7, the RFC 9562 variant and the time in milliseconds")
    func timeOrderedLayout() {
        let date = Date(timeIntervalSince1970: 1_790_000_000.123)
        let id = UUID.timeOrdered(at: date)
        let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
        let milliseconds = bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(milliseconds == 1_790_000_000_123)
        #expect(bytes[6] >> 4 == 7)
        #expect(bytes[8] >> 6 == 0b10)
    }

    @Test("time-ordered ids made later sort later and do not repeat")
    func timeOrderedSorts() {
        let earlier = UUID.timeOrdered(at: Date(timeIntervalSince1970: 1_000))
        let later = UUID.timeOrdered(at: Date(timeIntervalSince1970: 1_000.002))
        #expect(earlier.uuidString < later.uuidString)
        let many = (0..<10_000).map { _ in UUID.timeOrdered() }
        #expect(Set(many).count == many.count)
    }

    @Test("canonical parsing agrees with Foundation on ids in either case")
    func canonicalParsing() {
        for id in (0..<100).map({ _ in UUID() }) + [UUID.timeOrdered()] {
            #expect(UUID(canonical: id.uuidString) == id)
            #expect(UUID(canonical: id.uuidString.lowercased()) == id)
        }
    }

    @Test(
        "canonical parsing rejects what is not an id",
        arguments: [
            "", "not-a-uuid", "E621E1F8-C36C-495A-93FC-0C247A3E6E5", "E621E1F8-C36C-495A-93FC-0C247A3E6E5F0",
            "E621E1F8C36C-495A-93FC-0C247A3E6E5F0", "G621E1F8-C36C-495A-93FC-0C247A3E6E5F", "E621E1F8-C36C-495A-93FC_0C247A3E6E5F",
            "{E621E1F8-C36C-495A-93FC-0C247A3E6E5F}",
        ]
    )
    func canonicalRejects(_ text: String) {
        #expect(UUID(canonical: text) == nil)
        #expect(UUID(uuidString: text) == nil)
    }
}
