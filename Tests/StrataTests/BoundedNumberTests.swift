//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import PropertyBased
import Strata
import Testing

@Suite("Positions and versions from outside are bounded", .timeLimit(.minutes(5)))
struct BoundedNumberTests {
    @Test(
        "positions parse in 0...2^63-1 and nothing else",
        arguments: [
            ("0", 0 as UInt64?), ("42", 42), ("9223372036854775807", 9_223_372_036_854_775_807), ("9223372036854775808", nil),
            ("18446744073709551615", nil), ("18446744073709551616", nil), ("99999999999999999999", nil), ("-1", nil), ("+1", nil),
            ("", nil), (" 1", nil), ("1 ", nil), ("0x10", nil), ("1e3", nil), ("١٢", nil), ("00000000000000000001", nil),
            ("0000000000000000001", 1),
        ])
    func positions(text: String, expected: UInt64?) {
        #expect(GlobalPosition(parsing: text)?.value == expected)
        #expect(StreamVersion(parsing: text)?.value == expected)
        #expect(ExpectedVersion(parsing: text) == expected.map { .exactly(StreamVersion($0)) })
    }

    @Test("the successor of the largest values saturates instead of trapping")
    func saturatingNext() {
        #expect(GlobalPosition(.max).next == GlobalPosition(.max))
        #expect(StreamVersion(.max).next == StreamVersion(.max))
        #expect(GlobalPosition.max.next.value == UInt64(Int64.max) + 1)
        #expect(GlobalPosition(41).next == 42)
    }

    @Test("any text parses to a value within the bound or to nil, and agrees with the standard parser where it accepts")
    func arbitraryText() async {
        let characters = Array("0123456789-+ .eEx٣\u{0}")
        let text = Gen<Character?>.element(of: characters).map { $0 ?? "0" }.string(of: 0...24)
        await propertyCheck(count: 2_000, input: text) { text in
            if let value = BoundedInteger.parse(text, maximum: UInt64(Int64.max)) {
                #expect(value <= UInt64(Int64.max))
                #expect(UInt64(text) == value)
            } else {
                // A sign, a number beyond the bound or more than 19 digits are refused on purpose.
                let refusedOnPurpose = text.hasPrefix("+") || text.hasPrefix("-") || text.count > 19
                #expect(UInt64(text).map { $0 > UInt64(Int64.max) || refusedOnPurpose } ?? true)
            }
        }
    }

    @Test("every number parses back to itself when it is a position, and to nil beyond; its successor never traps")
    func arbitraryNumbers() async {
        await propertyCheck(count: 2_000, input: Gen.uint64()) { number in
            let parsed = GlobalPosition(parsing: String(number))
            #expect(parsed?.value == (number <= UInt64(Int64.max) ? number : nil))
            #expect(GlobalPosition(number).next.value >= number)
            #expect(StreamVersion(number).next.value >= number)
        }
    }
}
