//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Testing

@testable import StrataPostgres

/// The arrays the append functions take, written by hand: a byte out of place stores wrong data or fails every
/// append, so each kind is held to what postgres-nio writes for the same Swift array.
@Suite("PostgreSQL array binds")
struct PostgresArrayBindTests {
    @Test("every kind of element is written byte for byte as postgres-nio writes the same array")
    func matchesTheDriver() throws {
        let texts = ["", "order-1", "ä€😀\u{0}x", String(repeating: "long ", count: 400)]
        var textBind = PostgresArrayBind(of: .text, as: .textArray, capacity: 4)
        for text in texts { try textBind.append(text) }
        try expectSame(textBind.data(), PostgresData(encoding: texts))

        let payloads = [Data(), Data("{\"a\":1}".utf8), Data((0...255).map { UInt8($0) })]
        var payloadBind = PostgresArrayBind(of: .bytea, as: .byteaArray)
        for payload in payloads { try payloadBind.append(bytes: payload) }
        try expectSame(payloadBind.data(), PostgresData(encoding: payloads.map { ByteBuffer(bytes: $0) }))

        let ids = [UUID(), UUID.timeOrdered(), UUID(uuidString: "00000000-0000-0000-0000-0000000000FF")!]
        var idBind = PostgresArrayBind(of: .uuid, as: .uuidArray)
        for id in ids { idBind.append(id) }
        try expectSame(idBind.data(), PostgresData(encoding: ids))

        let smalls: [Int16] = [0, -1, .min, .max]
        var smallBind = PostgresArrayBind(of: .int2, as: .int2Array)
        for value in smalls { smallBind.append(value) }
        try expectSame(smallBind.data(), PostgresData(encoding: smalls))

        let integers: [Int32] = [0, 1, -1, .min, .max]
        var integerBind = PostgresArrayBind(of: .int4, as: .int4Array)
        for value in integers { integerBind.append(value) }
        try expectSame(integerBind.data(), PostgresData(encoding: integers))

        let bigs: [Int64] = [0, -1, .min, .max, 1 << 40]
        var bigBind = PostgresArrayBind(of: .int8, as: .int8Array)
        for value in bigs { bigBind.append(value) }
        try expectSame(bigBind.data(), PostgresData(encoding: bigs))

        let flags = [true, false, true]
        var flagBind = PostgresArrayBind(of: .bool, as: .boolArray)
        for flag in flags { flagBind.append(flag) }
        try expectSame(flagBind.data(), PostgresData(encoding: flags))
    }

    private func expectSame(_ written: PostgresData, _ driver: PostgresData, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(written.type == driver.type, sourceLocation: sourceLocation)
        #expect(written.formatCode == driver.formatCode, sourceLocation: sourceLocation)
        #expect(written.value == driver.value, sourceLocation: sourceLocation)
    }
}
