//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import PropertyBased
import StrataCommandLine
import Testing

@Suite("Durations on the command line: a unit or plain seconds, from zero to a century", .timeLimit(.minutes(10)))
struct DurationArgumentTests {
    @Test(
        "units and plain seconds",
        arguments: [
            ("250ms", Duration.milliseconds(250)), ("3s", .seconds(3)), ("30m", .seconds(1_800)), ("1h", .seconds(3_600)),
            ("2d", .seconds(172_800)), ("90", .seconds(90)), ("0.5", .milliseconds(500)), ("1.5h", .seconds(5_400)), ("0", .zero),
            (" 5s ", .seconds(5)), ("36500d", .seconds(36_500 * 86_400)),
        ])
    func accepted(text: String, expected: Duration) {
        #expect(DurationArgument(argument: text)?.duration == expected)
    }

    @Test(
        "signs, exponents, other units, combinations and more than a century are refused",
        arguments: ["", "s", "-1", "+1", "-1s", "1e3", "1e3s", "inf", "nan", "0x10", "1h30m", "1 h", "1.2.3", "5sec", "5S", "36501d", "1.", ".5"]
    )
    func refused(text: String) {
        // "1." and ".5" are plain decimals and accepted; everything else here is refused.
        let acceptedOnPurpose = ["1.", ".5"]
        #expect((DurationArgument(argument: text) != nil) == acceptedOnPurpose.contains(text), "\(text)")
    }

    @Test("any text gives a duration within a century, or nil; it never traps")
    func arbitraryText() async {
        let characters = Array("0123456789.msdh -+eExn\u{0}")
        let text = Gen<Character?>.element(of: characters).map { $0 ?? "1" }.string(of: 0...40)
        await propertyCheck(count: 3_000, input: text) { text in
            if let parsed = DurationArgument(argument: text) {
                #expect(parsed.duration >= .zero && parsed.duration <= DurationArgument.maximum)
            }
        }
    }

    @Test("whole seconds, minutes and hours read back from their own description")
    func roundTrip() async {
        await propertyCheck(count: 1_000, input: Gen.int(in: 0...(100 * 365 * 86_400))) { seconds in
            let argument = DurationArgument(.seconds(seconds))
            #expect(DurationArgument(argument: argument.description)?.duration == .seconds(seconds), "\(argument)")
        }
    }
}
