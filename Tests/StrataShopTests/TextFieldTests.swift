//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import StrataShop
import Testing

@Suite("Text fields")
struct TextFieldTests {
    /// The rule as ``TextField/validated(_:field:limit:)`` states it, spelled the slow way.
    static func reference(_ text: String, limit: Int) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.utf8.count <= limit,
            !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return trimmed
    }

    @Test("a field is trimmed, and refused when empty, too long or holding control characters, printable ASCII or not")
    func validationFollowsTheRule() {
        let pieces = [" ", "  ", "a", "Z", "0", "-", "~", "\t", "\n", "\r", "\u{7}", "\u{7F}", "é", "✓", "\u{A0}", "\u{2028}", "sku"]
        var generator = SystemRandomNumberGenerator()
        var cases = [
            "", " ", "   ", "a", " a ", "a b", String(repeating: "x", count: 64), String(repeating: "x", count: 65),
            " \(String(repeating: "x", count: 64)) ",
        ]
        for _ in 0..<3000 {
            let length = Int.random(in: 0...8, using: &generator)
            cases.append((0..<length).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        for text in cases {
            let validated = try? TextField.validated(text, field: "sku", limit: 64)
            #expect(validated == Self.reference(text, limit: 64), "\(text.debugDescription)")
        }
    }
}
