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

    @Test("ids made at once on many tasks do not repeat, across the blocks of random bytes fetched ahead")
    func timeOrderedConcurrently() async {
        let batches = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<4 {
                group.addTask { (0..<5_000).map { _ in UUID.timeOrdered() } }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let all = batches.flatMap { $0 }
        #expect(all.count == 20_000)
        #expect(Set(all).count == all.count)
        // The random bits differ between ids made in the same millisecond.
        #expect(Set(all.map { withUnsafeBytes(of: $0.uuid) { Array($0[8..<16]) } }).count == all.count)
    }

    @Test(
        "a time outside what an id can hold is clamped, not trapped on",
        // Seconds since 1970 rather than dates: Foundation itself traps describing a date of 1e300 seconds.
        arguments: [(-5, UInt64(0)), (1e300, UInt64(0xFFFF_FFFF_FFFF)), (.infinity, UInt64(0)), (.nan, UInt64(0))]
    )
    func timeOrderedClamps(secondsSince1970: Double, milliseconds: UInt64) {
        let bytes = withUnsafeBytes(of: UUID.timeOrdered(at: Date(timeIntervalSince1970: secondsSince1970)).uuid) { Array($0) }
        #expect(bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } == milliseconds)
        #expect(bytes[6] >> 4 == 7)
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
