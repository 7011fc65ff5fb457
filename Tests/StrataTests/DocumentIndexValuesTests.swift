//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Testing

@testable import Strata

@Suite("Document index values", .timeLimit(.minutes(5)))
struct DocumentIndexValuesTests {
    private let document = Data(
        #"""
        {"status":"open","amount":12,"ratio":0.5,"paid":true,"note":null,"customer":{"id":"c-1","tags":["a"]},
         "lines":[{"sku":"x"}]}
        """#.utf8
    )

    @Test("scalar fields, nested ones by dotted path, become SQL values")
    func scalars() throws {
        let values = try DocumentCoding.indexValues(of: document, indexes: ["status", "amount", "ratio", "paid", "customer.id"])
        #expect(values == ["status": .text("open"), "amount": .integer(12), "ratio": .real(0.5), "paid": .integer(1), "customer.id": .text("c-1")])
    }

    @Test("null, missing, array and object fields, and paths through scalars, index as null")
    func nulls() throws {
        let indexes = ["note", "missing", "customer.tags", "customer", "lines", "status.deeper", "customer.missing", "missing.deeper"]
        let values = try DocumentCoding.indexValues(of: document, indexes: indexes)
        #expect(values == Dictionary(uniqueKeysWithValues: indexes.map { ($0, SQLValue.null) }))
    }

    @Test("a document that is not an object has only null index values; malformed JSON throws")
    func otherDocuments() throws {
        #expect(try DocumentCoding.indexValues(of: Data("[1,2]".utf8), indexes: ["a"]) == ["a": .null])
        #expect(throws: (any Error).self) { try DocumentCoding.indexValues(of: Data(#"{"a":"#.utf8), indexes: ["a"]) }
    }
}
