//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// An object being written by JSONStreamWriter: a frame of the writer, named by its id and depth so that a
/// container used after its object was closed is noticed.
struct ObjectContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: JSONStreamWriter
    let id: Int
    let depth: Int
    let codingPath: [any CodingKey]

    private func member(_ key: Key) throws {
        try writer.beginMember(of: id, at: depth, key: key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws {
        try member(key)
        writer.writeNull()
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        try member(key)
        writer.writeBool(value)
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        try member(key)
        writer.writeString(value)
    }

    mutating func encode(_ value: Double, forKey key: Key) throws {
        try member(key)
        try writer.writeFloatingPoint(value)
    }

    mutating func encode(_ value: Float, forKey key: Key) throws {
        try member(key)
        try writer.writeFloatingPoint(value)
    }

    mutating func encode(_ value: Int, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try integer(value, key) }

    mutating func encode(_ value: Int128, forKey key: Key) throws { throw writer.unsupported("Int128 is written by JSONEncoder's own rules") }
    mutating func encode(_ value: UInt128, forKey key: Key) throws { throw writer.unsupported("UInt128 is written by JSONEncoder's own rules") }

    private func integer(_ value: some FixedWidthInteger, _ key: Key) throws {
        try member(key)
        try writer.writeInteger(value)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try member(key)
        try writer.encodeNested(value, key: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let path = writer.path(codingPath, appending: key)
        return writer.openObject(claimed: (try? member(key)) != nil, codingPath: path)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let path = writer.path(codingPath, appending: key)
        return writer.openArray(claimed: (try? member(key)) != nil, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        writer.fail("superEncoder() is not written in one pass")
        return writer
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        writer.fail("superEncoder(forKey:) is not written in one pass")
        return writer
    }
}

/// An array being written by JSONStreamWriter.
struct ArrayContainer: UnkeyedEncodingContainer, ScalarValueWriting {
    let writer: JSONStreamWriter
    let id: Int
    let depth: Int
    let codingPath: [any CodingKey]

    /// The key of an array's element on the coding path: its index, as `JSONEncoder` names it.
    private struct IndexKey: CodingKey {
        let intValue: Int?
        var stringValue: String { intValue.map { "Index \($0)" } ?? "" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    var count: Int {
        guard depth >= 0, depth < writer.frames.count, writer.frames[depth].id == id else { return 0 }
        return writer.frames[depth].count
    }

    func beginValue() throws {
        try writer.beginMember(of: id, at: depth)
    }

    mutating func encode(_ value: Int128) throws { throw writer.unsupported("Int128 is written by JSONEncoder's own rules") }
    mutating func encode(_ value: UInt128) throws { throw writer.unsupported("UInt128 is written by JSONEncoder's own rules") }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = count
        try beginValue()
        try writer.encodeNested(value, key: IndexKey(index))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = writer.path(codingPath, appending: IndexKey(count))
        return writer.openObject(claimed: (try? beginValue()) != nil, codingPath: path)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = writer.path(codingPath, appending: IndexKey(count))
        return writer.openArray(claimed: (try? beginValue()) != nil, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        writer.fail("superEncoder() is not written in one pass")
        return writer
    }
}

/// The one value of a JSONStreamWriter slot. It writes once, at the position where it was handed out: a second
/// value, or a value after the writer moved on, is unsupported.
struct SingleValueContainer: SingleValueEncodingContainer, ScalarValueWriting {
    let writer: JSONStreamWriter
    private let position: Int
    private let depth: Int

    init(writer: JSONStreamWriter) {
        self.writer = writer
        self.position = writer.bytes.count
        self.depth = writer.frames.count
    }

    var codingPath: [any CodingKey] { writer.codingPath }

    func beginValue() throws {
        if let failure = writer.failure { throw StreamingJSONEncoder.Unsupported(reason: failure) }
        guard writer.bytes.count == position, writer.frames.count == depth else {
            throw writer.unsupported("a single value container was written to twice, or after the writer moved on")
        }
    }

    mutating func encode(_ value: Int128) throws { throw writer.unsupported("Int128 is written by JSONEncoder's own rules") }
    mutating func encode(_ value: UInt128) throws { throw writer.unsupported("UInt128 is written by JSONEncoder's own rules") }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try beginValue()
        try writer.encodeValue(value)
    }
}

/// The scalar writes that an array element and a single value share: each first claims its place with
/// `beginValue()`, then writes the value.
protocol ScalarValueWriting {
    var writer: JSONStreamWriter { get }
    /// Claims the place of the next value (an array's next element, or the single value), or throws.
    func beginValue() throws
}

extension ScalarValueWriting {
    mutating func encodeNil() throws {
        try beginValue()
        writer.writeNull()
    }

    mutating func encode(_ value: Bool) throws {
        try beginValue()
        writer.writeBool(value)
    }

    mutating func encode(_ value: String) throws {
        try beginValue()
        writer.writeString(value)
    }

    mutating func encode(_ value: Double) throws {
        try beginValue()
        try writer.writeFloatingPoint(value)
    }

    mutating func encode(_ value: Float) throws {
        try beginValue()
        try writer.writeFloatingPoint(value)
    }

    mutating func encode(_ value: Int) throws { try integer(value) }
    mutating func encode(_ value: Int8) throws { try integer(value) }
    mutating func encode(_ value: Int16) throws { try integer(value) }
    mutating func encode(_ value: Int32) throws { try integer(value) }
    mutating func encode(_ value: Int64) throws { try integer(value) }
    mutating func encode(_ value: UInt) throws { try integer(value) }
    mutating func encode(_ value: UInt8) throws { try integer(value) }
    mutating func encode(_ value: UInt16) throws { try integer(value) }
    mutating func encode(_ value: UInt32) throws { try integer(value) }
    mutating func encode(_ value: UInt64) throws { try integer(value) }

    private func integer(_ value: some FixedWidthInteger) throws {
        try beginValue()
        try writer.writeInteger(value)
    }
}
