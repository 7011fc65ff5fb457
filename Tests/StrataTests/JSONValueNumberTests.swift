//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Testing

@testable import Strata

/// JSONValue rewrites stored event data (raw upcasters, crypto-shredding), so a number it does not keep is data lost.
@Suite("JSONValue numbers", .timeLimit(.minutes(5)))
struct JSONValueNumberTests {
    private static func reencoded(_ text: String) throws -> String {
        String(decoding: try JSONValue(parsing: Data(text.utf8)).encoded(), as: UTF8.self)
    }

    @Test(
        "numbers survive parsing and encoding digit for digit",
        arguments: [
            "42", "-7", "9223372036854775807", "-9223372036854775808",  // Int64's range
            "9223372036854775808", "-9223372036854775809", "18446744073709551615",  // just beyond it, and UInt64.max
            "123456789012345678901234567890", "12345678901234567890123456789012345678",  // 30 and 38 digits
            "100000000000000000000",  // an integer Double holds, which must not turn into 1e+20
            "0.1", "1.5", "0.30000000000000004", "2.5e-08", "1e+300", "1e-300", "1.7976931348623157e+308",  // doubles
            "123456789.123456789", "3.141592653589793238462643383279", "-0.0000000000000000001234567890123456789",  // beyond Double
        ])
    func roundTrip(text: String) throws {
        #expect(try Self.reencoded(text) == text)
    }

    @Test("only the spelling of a number changes, never its value")
    func spelling() throws {
        #expect(try Self.reencoded("1.0") == "1")
        #expect(try Self.reencoded("1E2") == "100")
        #expect(try Self.reencoded("1e20") == "100000000000000000000")
        #expect(try Self.reencoded("1e300") == "1e+300")
        #expect(try Self.reencoded("0.10") == "0.1")
    }

    @Test("negative zero keeps its sign")
    func negativeZero() throws {
        let value = try JSONValue(parsing: Data("-0.0".utf8))
        guard case .double(let double) = value else {
            Issue.record("-0.0 parsed as \(value)")
            return
        }
        #expect(double == 0 && double.sign == .minus)
        #expect(try Self.reencoded("-0.0") == "-0")
        #expect(try Self.reencoded("0") == "0")
    }

    @Test("each number is the first case that holds it exactly")
    func cases() throws {
        func parsed(_ text: String) throws -> JSONValue { try JSONValue(parsing: Data(text.utf8)) }
        #expect(try parsed("9223372036854775807") == .int(.max))
        #expect(try parsed("18446744073709551615") == .decimal(Decimal(string: "18446744073709551615")!))
        #expect(try parsed("0.1") == .double(0.1))
        #expect(try parsed("1e300") == .double(1e300))
        #expect(try parsed("0.1234567890123456789") == .decimal(Decimal(string: "0.1234567890123456789")!))
    }

    @Test("a decimal integer reads as an integer when it fits Int64")
    func decimalIntValue() {
        #expect(JSONValue.decimal(Decimal(string: "12")!).intValue == 12)
        #expect(JSONValue.decimal(Decimal(string: "18446744073709551615")!).intValue == nil)
        #expect(JSONValue.decimal(Decimal(string: "1.5")!).intValue == nil)
    }

    @Test("a raw upcaster keeps the numbers it does not touch")
    func upcaster() throws {
        let upcaster = EventUpcaster.json(from: 1) { json in json["schema"] = 2 }
        let stored = #"{"balance":18446744073709551615,"rate":0.1234567890123456789,"units":123456789012345678901234567890}"#
        let upcast = String(decoding: try upcaster.transform(Data(stored.utf8)), as: UTF8.self)
        #expect(upcast == #"{"balance":18446744073709551615,"rate":0.1234567890123456789,"schema":2,"units":123456789012345678901234567890}"#)
    }

    @Test("crypto-shredding keeps big numbers, in plain fields and in encrypted ones")
    func cryptoShredding() async throws {
        let base = InMemoryEventStore()
        let rule = PersonalDataRule(eventType: "AccountOpened", fields: ["owner", "accountNumber"])
        let store = ProtectedEventStore(base, keys: base, rules: [rule])
        let data = #"{"accountNumber":123456789012345678901234567890,"balance":18446744073709551615,"owner":"Ada"}"#
        _ = try await store.append([NewEvent(type: "AccountOpened", data: Data(data.utf8))], to: "account-1", expecting: .noStream)

        let stored = try JSONValue(parsing: try await base.readStream("account-1")[0].data)
        #expect(stored["balance"] == .decimal(Decimal(string: "18446744073709551615")!))
        #expect(stored["accountNumber"]?["$strata.encrypted"] != nil)
        let revealed = try await store.readStream("account-1")[0].data
        #expect(String(decoding: revealed, as: UTF8.self) == data)
    }
}
