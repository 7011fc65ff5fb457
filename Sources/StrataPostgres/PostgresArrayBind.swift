//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata

/// A one-dimensional array bind without NULLs, written element by element in PostgreSQL's binary array format.
///
/// The append functions take fifteen arrays per batch. Built as Swift arrays and then encoded through
/// postgres-nio, each cost an array, its growth, a buffer and a generic pass over its elements: a tenth of the
/// client's time for an append of ten events. Written straight into one buffer each, they cost the bytes.
struct PostgresArrayBind {
    private var buffer: ByteBuffer
    private let arrayType: PostgresDataType
    private var count: Int32 = 0
    /// Where the dimension's length is, written when the bind is finished.
    private let lengthIndex: Int

    /// An empty array of `elementType`, whose array type is `arrayType`.
    init(of elementType: PostgresDataType, as arrayType: PostgresDataType, capacity: Int = 64) {
        buffer = ByteBuffer()
        buffer.reserveCapacity(20 + capacity)
        self.arrayType = arrayType
        buffer.writeInteger(Int32(1))  // dimensions
        buffer.writeInteger(Int32(0))  // no NULLs
        buffer.writeInteger(Int32(bitPattern: elementType.rawValue))
        lengthIndex = buffer.writerIndex
        buffer.writeInteger(Int32(0))  // the dimension's length, written by `data`
        buffer.writeInteger(Int32(1))  // lower bound
    }

    /// Appends an integer element (`smallint`, `integer` or `bigint` by the width of `Integer`).
    mutating func append<Integer: FixedWidthInteger>(_ value: Integer) {
        buffer.writeInteger(Int32(MemoryLayout<Integer>.size))
        buffer.writeInteger(value)
        count += 1
    }

    mutating func append(_ value: Bool) {
        buffer.writeInteger(Int32(1))
        buffer.writeInteger(UInt8(value ? 1 : 0))
        count += 1
    }

    mutating func append(_ value: UUID) {
        buffer.writeInteger(Int32(16))
        _ = withUnsafeBytes(of: value.uuid) { buffer.writeBytes($0) }
        count += 1
    }

    /// Appends text, given as its UTF-8 bytes.
    mutating func append(_ value: String) throws {
        count += 1
        // Most correlation and causation ids are absent, and bound as empty text.
        if value.isEmpty {
            buffer.writeInteger(Int32(0))
            return
        }
        let lengthAt = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        let written = buffer.writeString(value)
        try setLength(written, at: lengthAt)
    }

    /// Appends a `bytea` element.
    mutating func append(bytes value: Data) throws {
        guard let length = Int32(exactly: value.count) else { throw Self.tooLarge(value.count) }
        buffer.writeInteger(length)
        buffer.writeBytes(value)
        count += 1
    }

    /// The finished bind; consuming, so that writing the length does not copy the buffer.
    consuming func data() -> PostgresData {
        buffer.setInteger(count, at: lengthIndex)
        return PostgresData(type: arrayType, formatCode: .binary, value: buffer)
    }

    private mutating func setLength(_ length: Int, at index: Int) throws {
        guard let length = Int32(exactly: length) else { throw Self.tooLarge(length) }
        buffer.setInteger(length, at: index)
    }

    private static func tooLarge(_ bytes: Int) -> EventStoreError {
        EventStoreError(.invalidArgument, "a value of \(bytes) bytes is more than PostgreSQL stores in one field")
    }
}
